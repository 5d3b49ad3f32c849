import { stableHex } from '../state/ids.js';
import { loginFromIdentity } from './identity.js';
import {
  DESTROYS,
  defineTool,
  fail,
  ok,
  READS,
  type Tool,
  type ToolContext,
  WRITES,
} from './tool.js';

export interface SlackMessage {
  type: 'message';
  user: string;
  text: string;
  ts: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  topic: string;
  /** Oldest first. */
  messages: SlackMessage[];
}

export interface SlackWorld {
  team: { id: string; name: string; domain: string };
  user: { id: string; name: string };
  channels: SlackChannel[];
  /** Makes message timestamps unique within the workspace. */
  sequence: number;
}

const upper = (input: string, length: number) => stableHex(input, length).toUpperCase();

/** A workspace named after the identity with `#general` (one welcome message) and `#random`. */
export function seedSlack(identity: string): SlackWorld {
  const login = loginFromIdentity(identity);
  const channel = (name: string, topic: string): SlackChannel => ({
    id: `C${upper(`slack:${identity}:${name}`, 10)}`,
    name,
    isPrivate: false,
    topic,
    messages: [],
  });
  const general = channel('general', 'Company-wide announcements');
  general.messages.push({
    type: 'message',
    user: 'USLACKBOT',
    text: `Welcome to #general in ${login}'s workspace (${identity}).`,
    ts: '1767603600.000001',
  });
  return {
    team: {
      id: `T${upper(`slack:team:${identity}`, 10)}`,
      name: `${login} workspace`,
      domain: login,
    },
    user: { id: `U${upper(`slack:user:${identity}`, 10)}`, name: login },
    channels: [general, channel('random', 'Anything goes')],
    sequence: 0,
  };
}

function world(ctx: ToolContext): SlackWorld {
  ctx.account.world.slack ??= seedSlack(ctx.identity);
  return ctx.account.world.slack;
}

/** Accepts `#general`, `general` or the channel id. */
function findChannel(w: SlackWorld, ref: string): SlackChannel | undefined {
  const name = ref.replace(/^#/, '').toLowerCase();
  return w.channels.find((c) => c.id === ref || c.name === name);
}

const sendMessage = defineTool<{ channel: string; text: string }>({
  slug: 'SLACK_SEND_MESSAGE',
  name: 'Send a message to a Slack channel',
  description: 'Posts a message to a channel of the connected workspace.',
  toolkit: 'slack',
  important: true,
  hints: WRITES,
  scopes: ['chat:write'],
  input: {
    type: 'object',
    properties: {
      channel: {
        type: 'string',
        description: 'Channel name (`#general`, `general`) or id.',
        minLength: 1,
      },
      text: { type: 'string', description: 'The message text.', minLength: 1 },
    },
    required: ['channel', 'text'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { ok: { type: 'boolean' }, ts: { type: 'string' } } },
  run(ctx, { channel, text }) {
    const w = world(ctx);
    const c = findChannel(w, channel);
    if (!c) return fail(`channel_not_found: no channel '${channel}' in workspace '${w.team.name}'`);
    w.sequence += 1;
    const ts = `${Math.floor(ctx.now / 1000)}.${String(w.sequence).padStart(6, '0')}`;
    const message: SlackMessage = { type: 'message', user: w.user.id, text, ts };
    c.messages.push(message);
    ctx.record('slack_message', { team: w.team.name, channel: `#${c.name}`, text, ts });
    return ok({ ok: true, channel: c.id, ts, message: { ...message, team: w.team.id } });
  },
});

const listChannels = defineTool<{ limit?: number; exclude_archived?: boolean }>({
  slug: 'SLACK_LIST_CHANNELS',
  name: 'List Slack channels',
  description: 'Lists the channels of the connected workspace.',
  toolkit: 'slack',
  important: true,
  hints: READS,
  scopes: ['channels:read'],
  input: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      exclude_archived: { type: 'boolean', default: false },
    },
    additionalProperties: false,
  },
  output: { type: 'object', properties: { channels: { type: 'array' } } },
  run(ctx, { limit = 100 }) {
    const w = world(ctx);
    return ok({
      ok: true,
      team: { id: w.team.id, name: w.team.name },
      channels: w.channels.slice(0, limit).map((c) => ({
        id: c.id,
        name: c.name,
        is_channel: true,
        is_private: c.isPrivate,
        is_archived: false,
        topic: { value: c.topic },
        num_messages: c.messages.length,
      })),
      response_metadata: { next_cursor: '' },
    });
  },
});

const listMessages = defineTool<{ channel: string; limit?: number }>({
  slug: 'SLACK_LIST_MESSAGES',
  name: 'Fetch conversation history',
  description: 'Lists the messages of a channel, newest first.',
  toolkit: 'slack',
  important: false,
  hints: READS,
  scopes: ['channels:history'],
  input: {
    type: 'object',
    properties: {
      channel: { type: 'string', description: 'Channel name or id.', minLength: 1 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
    required: ['channel'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { messages: { type: 'array' } } },
  run(ctx, { channel, limit = 100 }) {
    const w = world(ctx);
    const c = findChannel(w, channel);
    if (!c) return fail(`channel_not_found: no channel '${channel}' in workspace '${w.team.name}'`);
    const messages = [...c.messages].reverse().slice(0, limit);
    return ok({ ok: true, channel: c.id, messages, has_more: c.messages.length > limit });
  },
});

const deleteChannel = defineTool<{ channel: string }>({
  slug: 'SLACK_DELETE_CHANNEL',
  name: 'Delete a Slack channel',
  description: 'Deletes a channel of the connected workspace, with its messages. Cannot be undone.',
  toolkit: 'slack',
  important: false,
  hints: DESTROYS,
  scopes: ['channels:manage'],
  input: {
    type: 'object',
    properties: {
      channel: { type: 'string', description: 'Channel name or id.', minLength: 1 },
    },
    required: ['channel'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { ok: { type: 'boolean' }, channel: { type: 'string' } } },
  run(ctx, { channel }) {
    const w = world(ctx);
    const c = findChannel(w, channel);
    if (!c) return fail(`channel_not_found: no channel '${channel}' in workspace '${w.team.name}'`);
    w.channels = w.channels.filter((other) => other !== c);
    ctx.record('slack_channel_deleted', { team: w.team.name, channel: `#${c.name}` });
    return ok({ ok: true, channel: c.id });
  },
});

export const SLACK_TOOLS: Tool[] = [sendMessage, listChannels, listMessages, deleteChannel];
