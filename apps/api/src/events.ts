/**
 * @switchboard/api/events: Switchboard's lifecycle events as webhooks deliver them, for the
 * services that receive them: the zod schemas, the types, and `parseEvent` to check a body.
 * Verify the Standard Webhooks signature first (any Standard Webhooks library; `standardwebhooks`
 * on npm), then parse.
 */
export {
  connectionDataSchema,
  EVENT_DATA,
  EVENT_TYPES,
  type EventActor,
  type EventData,
  type EventType,
  eventActorSchema,
  eventEnvelopeSchema,
  OPT_IN_EVENT_TYPES,
  parseEvent,
  type SwitchboardEvent,
} from './modules/events/events.schema.js';
