import type { AuditChannel } from '../api/types.ts';

/** Where an attempt came from: the console or a program on the API, or an agent over MCP. */
const CHANNEL_WORDS: Record<AuditChannel, string> = {
  trpc: 'API',
  mcp: 'Agent (MCP)',
};

export function channelLabel(channel: AuditChannel): string {
  return CHANNEL_WORDS[channel] ?? channel;
}

/** What a refused change is about, so its target can be named. */
export type ChangeTarget = 'toolkit' | 'account' | 'member' | 'webhook' | 'approval';

/**
 * The management actions whose refusals the log records (docs/design.md rule 3), as what the
 * person tried to do. The list is open: an action added to the API without words here is shown
 * as its code.
 */
const CHANGES: Record<string, { words: string; target: ChangeTarget }> = {
  'connections.connect': { words: 'connect a toolkit', target: 'toolkit' },
  'policies.manage': { words: 'change a toolkit policy', target: 'toolkit' },
  'members.manage': { words: 'change members', target: 'member' },
  'connections.manage': { words: 'change an account', target: 'account' },
  'webhooks.manage': { words: 'manage webhooks', target: 'webhook' },
  'approvals.decide': { words: 'decide on a tool run waiting for approval', target: 'approval' },
};

/** `policies.manage` → "change a toolkit policy". */
export function changeWords(action: string): string {
  return CHANGES[action]?.words ?? action;
}

/** What the target of a change is (a toolkit slug, an account id, a user id), when known. */
export function changeTarget(action: string): ChangeTarget | null {
  return CHANGES[action]?.target ?? null;
}

/** "role not allowed" → "Role not allowed", for a reason on a line of its own. */
export function capitalize(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
