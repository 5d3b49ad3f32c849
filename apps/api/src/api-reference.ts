import { fileURLToPath } from 'node:url';
import { type Action, orgRolesFor } from '@switchboard/identity';
import { z } from 'zod';
import type { Reason } from './errors.js';
import type { AppRouter } from './modules/app.router.js';
import type { ProcedureMeta } from './trpc/init.js';

interface ProcedureDef {
  type: 'query' | 'mutation';
  meta?: ProcedureMeta;
  inputs: Array<{ schema?: z.ZodType }>;
  output?: { schema?: z.ZodType };
}

/** Where the reference lives in the repository. */
export const apiReferencePath = fileURLToPath(new URL('../../../docs/api.md', import.meta.url));

/** Reasons every procedure that takes a token can fail with. */
const SIGNED_IN: readonly Reason[] = [
  'UNAUTHENTICATED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'INVALID_USER_ID',
];
/** And every procedure at all. */
const ALWAYS: readonly Reason[] = ['INVALID_INPUT', 'DATABASE_UNAVAILABLE', 'INTERNAL'];

/** Actions that apply to an organization only. */
const ORG_ONLY: ReadonlySet<Action> = new Set<Action>([
  'org.read',
  'members.manage',
  'policies.manage',
  'approvals.decide',
]);

/** Where a policy decides, the role list is its default, and a policy may change it. */
const POLICY_ROLES: Partial<Record<Action, string>> = {
  'connections.connect': 'the toolkit policy’s `connectRoles`',
  'tools.execute': 'the toolkit policy’s `executeRoles`',
  'approvals.decide': 'the toolkit policy’s `approveRoles`',
};

function who(meta: ProcedureMeta): string {
  if (meta.who) return meta.who;
  if (meta.auth === 'public') return 'anyone';
  if (!meta.action) return 'any signed-in caller';
  const roles = orgRolesFor(meta.action, null);
  const lowest = roles.at(-1);
  const inOrg = lowest ? `${lowest} and up` : 'nobody';
  const policy = POLICY_ROLES[meta.action];
  const personal = ORG_ONLY.has(meta.action) ? '' : 'yourself in your own scope; ';
  return `\`${meta.action}\`: ${personal}in an organization, ${inOrg}${policy ? ` (default of ${policy})` : ''}`;
}

function reasonsOf(meta: ProcedureMeta): Reason[] {
  const reasons = new Set<Reason>([
    ...(meta.auth === 'public' ? [] : SIGNED_IN),
    ...(meta.action ? (['NOT_FOUND', 'ROLE_REQUIRED'] as const) : []),
    ...(meta.reasons ?? []),
    ...ALWAYS,
  ]);
  return [...reasons];
}

function jsonSchema(schema: z.ZodType | undefined, io: 'input' | 'output'): string {
  if (!schema) return '(none)';
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  delete (json as { $schema?: unknown }).$schema;
  return `\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\``;
}

/**
 * The API reference in Markdown, made from the router itself: every procedure with its input
 * and output as JSON Schema (from the zod schemas), who may call it and the reasons it can fail
 * with. `docs/api.md` is this, written by `pnpm --filter @switchboard/api docs:api`.
 */
export function renderApiReference(router: AppRouter): string {
  const procedures = (
    router as unknown as { _def: { procedures: Record<string, { _def: ProcedureDef }> } }
  )._def.procedures;
  const lines = [
    '# Switchboard API reference',
    '',
    '<!-- Generated from the router by `pnpm --filter @switchboard/api docs:api`; a test fails when it is out of date. -->',
    '',
    'tRPC procedures under `/trpc` (queries are `GET /trpc/<name>?input=<JSON>`, mutations',
    '`POST /trpc/<name>` with a JSON body), called with `Authorization: Bearer <token>` unless',
    'public. A failure carries `error.data.reason`, one of the reasons listed; `docs/design.md`',
    'says what they mean. The MCP endpoint (`/mcp`, `/mcp/orgs/:orgId`) is described in the',
    'README, the plain routes in `docs/guide.md` (`/audit/export`, `/webhooks/composio`) and',
    '`docs/operating.md` (`/metrics`).',
    '',
    '| procedure | kind | who may call it |',
    '|---|---|---|',
  ];
  const names = Object.keys(procedures).sort();
  for (const name of names) {
    const def = procedures[name]?._def as ProcedureDef;
    lines.push(
      `| [\`${name}\`](#${name.replaceAll('.', '').toLowerCase()}) | ${def.type} | ${who(def.meta ?? {})} |`,
    );
  }
  for (const name of names) {
    const def = procedures[name]?._def as ProcedureDef;
    const meta = def.meta ?? {};
    lines.push(
      '',
      `## \`${name}\``,
      '',
      `A ${def.type}. Who may call it: ${who(meta)}.`,
      '',
      `Fails with: ${reasonsOf(meta)
        .map((reason) => `\`${reason}\``)
        .join(', ')}.`,
      '',
      'Input:',
      '',
      jsonSchema(def.inputs[0]?.schema, 'input'),
      '',
      'Output:',
      '',
      jsonSchema(def.output?.schema, 'output'),
    );
  }
  return `${lines.join('\n')}\n`;
}
