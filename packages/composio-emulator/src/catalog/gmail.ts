import { stableHex } from '../state/ids.js';
import { emailFromIdentity, loginFromIdentity } from './identity.js';
import { defineTool, iso, ok, READS, type Tool, type ToolContext, WRITES } from './tool.js';

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  isHtml: boolean;
  date: string;
}

export interface GmailWorld {
  address: string;
  /** Oldest first. */
  messages: GmailMessage[];
  sentCount: number;
}

/** A mailbox with two seeded inbox messages addressed to the identity. */
export function seedGmail(identity: string): GmailWorld {
  const address = emailFromIdentity(identity);
  const login = loginFromIdentity(identity);
  const seeded = (n: number, from: string, subject: string, body: string, date: string) => {
    const id = stableHex(`gmail:${address}:${n}`);
    return {
      id,
      threadId: id,
      labelIds: ['INBOX', 'UNREAD'],
      from,
      to: [address],
      cc: [],
      bcc: [],
      subject,
      body,
      isHtml: false,
      date,
    };
  };
  return {
    address,
    messages: [
      seeded(
        1,
        'welcome@mail.example.test',
        `Welcome to your mailbox, ${login}`,
        `Hi ${login}, this mailbox belongs to ${address}.`,
        '2026-01-05T09:00:00.000Z',
      ),
      seeded(
        2,
        'calendar@mail.example.test',
        'Weekly sync moved to Thursday',
        'The weekly sync now takes place on Thursdays at 10:00.',
        '2026-01-06T14:30:00.000Z',
      ),
    ],
    sentCount: 0,
  };
}

function world(ctx: ToolContext): GmailWorld {
  ctx.account.world.gmail ??= seedGmail(ctx.identity);
  return ctx.account.world.gmail;
}

function summary(m: GmailMessage) {
  return {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    from: m.from,
    to: m.to.join(', '),
    subject: m.subject,
    snippet: m.body.slice(0, 100),
    messageText: m.body,
    date: m.date,
  };
}

/** Gmail-like search: words match subject/from/to/body; `in:`, `label:`, `from:`, `to:` filter. */
function matches(m: GmailMessage, query: string): boolean {
  for (const term of query.toLowerCase().split(/\s+/).filter(Boolean)) {
    const [op, value = ''] = term.includes(':') ? term.split(/:(.*)/, 2) : ['', term];
    if (op === 'in' || op === 'label') {
      if (!m.labelIds.some((l) => l.toLowerCase() === value)) return false;
    } else if (op === 'from') {
      if (!m.from.toLowerCase().includes(value)) return false;
    } else if (op === 'to') {
      if (!m.to.some((t) => t.toLowerCase().includes(value))) return false;
    } else {
      const text = `${m.subject} ${m.from} ${m.to.join(' ')} ${m.body}`.toLowerCase();
      if (!text.includes(term)) return false;
    }
  }
  return true;
}

const EMAIL = '^[^@\\s]+@[^@\\s]+$';

const sendEmail = defineTool<{
  recipient_email: string;
  subject?: string;
  body: string;
  cc?: string[];
  bcc?: string[];
  is_html?: boolean;
}>({
  slug: 'GMAIL_SEND_EMAIL',
  name: 'Send Email',
  description: 'Sends an e-mail from the connected mailbox.',
  toolkit: 'gmail',
  important: true,
  hints: WRITES,
  scopes: ['https://www.googleapis.com/auth/gmail.send'],
  input: {
    type: 'object',
    properties: {
      recipient_email: {
        type: 'string',
        description: 'Address of the primary recipient.',
        pattern: EMAIL,
        examples: ['bob@example.test'],
      },
      subject: { type: 'string', description: 'Subject line.', default: '' },
      body: { type: 'string', description: 'Plain text or HTML body.' },
      cc: { type: 'array', items: { type: 'string', pattern: EMAIL } },
      bcc: { type: 'array', items: { type: 'string', pattern: EMAIL } },
      is_html: { type: 'boolean', default: false },
    },
    required: ['recipient_email', 'body'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { id: { type: 'string' }, threadId: { type: 'string' } } },
  run(ctx, { recipient_email, subject = '', body, cc = [], bcc = [], is_html = false }) {
    const w = world(ctx);
    w.sentCount += 1;
    const id = stableHex(`gmail:${ctx.account.id}:sent:${w.sentCount}`);
    const message: GmailMessage = {
      id,
      threadId: id,
      labelIds: ['SENT'],
      from: w.address,
      to: [recipient_email],
      cc,
      bcc,
      subject,
      body,
      isHtml: is_html,
      date: iso(ctx.now),
    };
    w.messages.push(message);
    ctx.record('email', { from: w.address, to: recipient_email, subject });
    return ok({ id, threadId: id, labelIds: message.labelIds });
  },
});

const listMessages = defineTool<{ query?: string; max_results?: number; label_ids?: string[] }>({
  slug: 'GMAIL_LIST_MESSAGES',
  name: 'List messages',
  description: 'Lists messages of the connected mailbox, newest first, optionally filtered.',
  toolkit: 'gmail',
  important: true,
  hints: READS,
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  input: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'Gmail-style search, e.g. `in:sent from:bob`.' },
      max_results: { type: 'integer', minimum: 1, maximum: 500, default: 10 },
      label_ids: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: false,
  },
  output: { type: 'object', properties: { messages: { type: 'array' } } },
  run(ctx, { query = '', max_results = 10, label_ids = [] }) {
    const w = world(ctx);
    const found = w.messages
      .filter((m) => label_ids.every((l) => m.labelIds.includes(l)) && matches(m, query))
      .reverse();
    return ok({
      messages: found.slice(0, max_results).map(summary),
      resultSizeEstimate: found.length,
      nextPageToken: null,
    });
  },
});

const getProfile = defineTool<Record<string, never>>({
  slug: 'GMAIL_GET_PROFILE',
  name: 'Get Gmail profile',
  description: 'Gets the address and message counts of the connected mailbox.',
  toolkit: 'gmail',
  important: false,
  hints: READS,
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  input: { type: 'object', properties: {}, additionalProperties: false },
  output: { type: 'object', properties: { emailAddress: { type: 'string' } } },
  run(ctx) {
    const w = world(ctx);
    return ok({
      emailAddress: w.address,
      messagesTotal: w.messages.length,
      threadsTotal: new Set(w.messages.map((m) => m.threadId)).size,
      historyId: String(1000 + w.messages.length),
    });
  },
});

export const GMAIL_TOOLS: Tool[] = [sendEmail, listMessages, getProfile];
