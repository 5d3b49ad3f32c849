/**
 * Holds one exchange (a request the emulator answered, and its answer) to Composio's OpenAPI
 * description. Pure: no vitest, no I/O; `setup.ts` feeds it and fails the tests.
 */
import type { ErrorObject } from 'ajv';
import type { Exchange } from '../../src/index.js';
import { allowedExtra, CLIENT_OPERATIONS } from './client-fields.js';
import {
  type Description,
  type Operation,
  type Parameter,
  type Schema,
  WIRE_PREFIX,
} from './openapi.js';

export interface Finding {
  /** `getConnectedAccounts (GET /api/v3.1/connected_accounts)`. */
  operation: string;
  status: number;
  side: 'request' | 'response';
  /** Where in the exchange: `body/items/0/deprecated`, `status`, `query.limit`. */
  field: string;
  message: string;
}

export interface Extra {
  operation: string;
  status: number;
  side: 'request' | 'response';
  /** A field path with `[]` for array items: `items[].word_id`. */
  path: string;
  /** Why it is only reported: the client's types have it, or it was seen from the live service. */
  allowedBy: string | null;
}

export type Verdict =
  | { kind: 'excluded'; reason: string }
  | {
      kind: 'checked';
      /** The operation the exchange was counted under. */
      operation: string;
      /** Whether the request was held to the description too (see `requestChecked`). */
      requestChecked: boolean;
      failures: Finding[];
      extras: Extra[];
    };

/**
 * The exchanges the description has nothing to say about, by rule rather than case by case:
 * anything outside `/api/v3.1/` (the emulator's `/_emulator/*` controls, the consent pages, the
 * favicon), and answers an injected fault wrote (its status and body are the test's choice).
 * An injected delay alone does not exclude: the emulator still writes the answer.
 */
export function exclusionOf(exchange: Exchange): string | null {
  const path = pathOf(exchange.url);
  if (!path.startsWith(WIRE_PREFIX)) return 'outside the Composio API (controls, consent pages)';
  if (exchange.injectedFault !== null) return 'answered by an injected fault';
  return null;
}

/** Requests `@composio/client` sends carry its retry counter. */
export function fromSdk(exchange: Exchange): boolean {
  return exchange.requestHeaders['x-stainless-retry-count'] !== undefined;
}

/**
 * Whether the request is held to the description as well as the response: always when the SDK
 * sent it (the SDK must only call what is described), and for a request a test built by hand
 * when the emulator accepted it (a 2xx/3xx) — a test that sends a malformed request on purpose
 * expects the 4xx it gets, and that 4xx body is still checked.
 */
export function requestChecked(exchange: Exchange): boolean {
  return fromSdk(exchange) || exchange.status < 400;
}

export function checkExchange(description: Description, exchange: Exchange): Verdict {
  const excluded = exclusionOf(exchange);
  if (excluded) return { kind: 'excluded', reason: excluded };

  const path = pathOf(exchange.url);
  const failures: Finding[] = [];
  const extras: Extra[] = [];
  const status = exchange.status;
  const holdRequest = requestChecked(exchange);
  const matched = description.match(exchange.method, path);

  if (!matched) {
    const client = clientOperation(exchange.method, path);
    const operation = client
      ? `(client only: ${client.client}) ${client.method} ${client.template}`
      : `(not described) ${exchange.method} ${exchange.route ?? path}`;
    const fail = (side: Finding['side'], field: string, message: string) =>
      failures.push({ operation, status, side, field, message });
    if (holdRequest && !client) {
      fail('request', 'path', `the description has no operation ${exchange.method} ${path}`);
    }
    // Whatever the route, an error body is still Composio's error shape.
    if (status >= 400) {
      checkBody(description, description.errorSchema, exchange.body, (field, message) =>
        fail('response', field, message),
      );
    }
    return { kind: 'checked', operation, requestChecked: holdRequest, failures, extras };
  }

  const { operation: op, params } = matched;
  const operation = `${op.operationId} (${op.method} ${op.template})`;
  const fail = (side: Finding['side'], field: string, message: string) =>
    failures.push({ operation, status, side, field, message });
  const extra = (side: Extra['side'], extraPath: string) =>
    extras.push({
      operation,
      status,
      side,
      path: extraPath,
      allowedBy: allowedExtra(op.operationId, status, side, extraPath),
    });

  if (holdRequest) checkRequest(description, op, params, exchange, fail, extra);

  const documented = [String(status), `${String(status)[0]}XX`, 'default'].find((key) =>
    op.responses.has(key),
  );
  if (documented === undefined) {
    fail(
      'response',
      'status',
      `${status} is not a documented status (documented: ${[...op.responses.keys()].join(', ')})`,
    );
    return { kind: 'checked', operation, requestChecked: holdRequest, failures, extras };
  }
  const schema = bodySchemaOf(description, status, op.responses.get(documented) ?? null);
  if (schema) {
    const data = checkBody(description, schema, exchange.body, (field, message) =>
      fail('response', field, message),
    );
    if (data !== undefined) {
      for (const p of extraFields(description, schema, data)) extra('response', p);
    }
  }
  return { kind: 'checked', operation, requestChecked: holdRequest, failures, extras };
}

function checkRequest(
  description: Description,
  op: Operation,
  pathParams: Record<string, string>,
  exchange: Exchange,
  fail: (side: 'request', field: string, message: string) => void,
  extra: (side: 'request', path: string) => void,
): void {
  const query = new URLSearchParams(exchange.url.includes('?') ? exchange.url.split('?')[1] : '');
  const documented = new Set<string>();
  for (const param of op.parameters) {
    if (param.in === 'path') {
      const value = pathParams[param.name];
      for (const p of problems(description, param.schema, value, `path.${param.name}`)) {
        fail('request', p.field, p.message);
      }
      continue;
    }
    if (param.in !== 'query') continue;
    const value = queryValue(param, query, documented);
    if (value === undefined) {
      if (param.required) fail('request', `query.${param.name}`, 'required but absent');
      continue;
    }
    for (const p of problems(description, param.schema, value, `query.${param.name}`)) {
      fail('request', p.field, p.message);
    }
  }
  for (const name of new Set(query.keys())) {
    if (!documented.has(name)) extra('request', `query.${name}`);
  }

  const body = exchange.requestBody;
  const hasBody =
    body !== undefined &&
    body !== null &&
    !(typeof body === 'object' && Object.keys(body).length === 0);
  const bodySchema = op.requestBody?.schema ?? null;
  if (!bodySchema) {
    if (hasBody) extra('request', 'body');
    return;
  }
  if (body === undefined || body === null) {
    if (op.requestBody?.required) fail('request', 'body', 'required but absent');
    return;
  }
  for (const p of problems(description, bodySchema, body, 'body')) {
    fail('request', p.field, p.message);
  }
  for (const p of extraFields(description, bodySchema, body)) extra('request', `body.${p}`);
}

/**
 * A query parameter's value as the schema reads it (undefined when absent); marks the keys it
 * read in `seen`. OpenAPI's default for arrays is one key per item (`?ids=a&ids=b`);
 * `@composio/client` sends one comma-joined key (`?ids=a,b`), which the description does not
 * mention: both read as the list of items. Bracket keys (`toolkit_versions[gmail]=…`, which the
 * description names for `toolkit_versions`) read as an object.
 */
function queryValue(param: Parameter, query: URLSearchParams, seen: Set<string>): unknown {
  const values = query.getAll(param.name);
  if (values.length > 0) {
    seen.add(param.name);
    const types = typesOf(param.schema);
    if (types.includes('array')) {
      const items = (param.schema.items ?? {}) as Schema;
      return values.flatMap((v) => v.split(',')).map((v) => scalar(items, v));
    }
    return scalar(param.schema, values[values.length - 1] ?? '');
  }
  const prefix = `${param.name}[`;
  const entries = [...query.entries()].filter(([k]) => k.startsWith(prefix) && k.endsWith(']'));
  if (entries.length === 0) return undefined;
  for (const [k] of entries) seen.add(k);
  return Object.fromEntries(entries.map(([k, v]) => [k.slice(prefix.length, -1), v]));
}

function scalar(schema: Schema, value: string): unknown {
  const types = typesOf(schema);
  if ((types.includes('integer') || types.includes('number')) && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function typesOf(schema: Schema): string[] {
  const type = schema.type;
  return Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
}

/** Parses a JSON body and validates it; returns the data when it parsed. */
function checkBody(
  description: Description,
  schema: Schema,
  body: string,
  fail: (field: string, message: string) => void,
): unknown {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    fail('body', `not JSON: ${JSON.stringify(body.slice(0, 80))}`);
    return undefined;
  }
  for (const p of problems(description, schema, data, 'body')) fail(p.field, p.message);
  return data;
}

/** Where `data` breaks `schema`, as `{ field, message }` (the field prefixed with `at`). */
function problems(
  description: Description,
  schema: Schema,
  data: unknown,
  at: string,
): Array<{ field: string; message: string }> {
  if (description.validator(schema)(data)) return [];
  return readable(description.explain(schema, data)).map((error) => {
    const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
    const allowed =
      error.keyword === 'enum' ? ` (${JSON.stringify(error.params.allowedValues)})` : '';
    return {
      field: dotted(`${at}${error.instancePath}${missing}`),
      message: `${error.message ?? error.keyword}${allowed}`,
    };
  });
}

/**
 * Ajv reports every failing branch of a `oneOf`/`anyOf`. Only the branch the data was meant for
 * is kept, at every level of nesting: the one whose (narrowed) errors do not include a mismatch
 * of a one-value `enum` (a discriminator such as `authScheme` or `status`), then the one with
 * the fewest errors.
 */
export function readable(errors: ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  if (concrete.length === 0) return errors;
  return narrow(concrete, 0);
}

const ALTERNATIVE = /\/(oneOf|anyOf)\/(\d+)\//g;

function narrow(errors: ErrorObject[], from: number): ErrorObject[] {
  // The first alternative point at or after `from`, per error.
  const points = errors.map((e) => {
    ALTERNATIVE.lastIndex = from;
    const m = ALTERNATIVE.exec(e.schemaPath);
    return m ? { at: m.index, branch: m[2] ?? '', end: m.index + m[0].length } : null;
  });
  const first = points.reduce<number | null>(
    (min, p) => (p && (min === null || p.at < min) ? p.at : min),
    null,
  );
  if (first === null) return errors;
  const prefix = errors[points.findIndex((p) => p?.at === first)]?.schemaPath.slice(0, first);
  const byBranch = new Map<string, { errors: ErrorObject[]; end: number }>();
  const rest: ErrorObject[] = [];
  errors.forEach((e, i) => {
    const p = points[i];
    if (p && p.at === first && e.schemaPath.slice(0, first) === prefix) {
      const group = byBranch.get(p.branch) ?? { errors: [], end: p.end };
      group.errors.push(e);
      byBranch.set(p.branch, group);
    } else rest.push(e);
  });
  const candidates = [...byBranch.values()].map((g) => narrow(g.errors, g.end));
  const score = (list: ErrorObject[]) =>
    (list.some(isDiscriminatorMismatch) ? 1_000_000 : 0) + list.length;
  const best = candidates.sort((a, b) => score(a) - score(b))[0] ?? [];
  return [...narrow(rest, from), ...best];
}

function isDiscriminatorMismatch(error: ErrorObject): boolean {
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return error.keyword === 'enum' && Array.isArray(allowed) && allowed.length === 1;
}

/**
 * Field paths in `data` that `schema` does not name, where the schema names its fields (an
 * object with `properties` and no `additionalProperties`). Alternatives (`oneOf`/`anyOf`) count
 * the branches `data` satisfies; `[]` stands for any array item.
 */
export function extraFields(description: Description, schema: Schema, data: unknown): string[] {
  const found = new Set<string>();
  walk(description, [schema], data, '', found);
  return [...found];
}

function walk(
  description: Description,
  schemas: Schema[],
  data: unknown,
  path: string,
  found: Set<string>,
): void {
  const applicable = schemas.flatMap((s) => flatten(description, s, data));
  if (applicable.length === 0 || data === null || typeof data !== 'object') return;
  if (Array.isArray(data)) {
    const items = applicable.flatMap((s) => (s.items ? [s.items as Schema] : []));
    if (items.length === 0) return;
    for (const item of data) walk(description, items, item, `${path}[]`, found);
    return;
  }
  const named = applicable.filter((s) => s.properties !== undefined);
  const open =
    named.length === 0 ||
    applicable.some(
      (s) =>
        (s.additionalProperties !== undefined && s.additionalProperties !== false) ||
        s.patternProperties !== undefined,
    );
  for (const [key, value] of Object.entries(data)) {
    const at = path === '' ? key : `${path}.${key}`;
    const subs = named.flatMap((s) => {
      const sub = (s.properties as Record<string, Schema>)[key];
      return sub ? [sub] : [];
    });
    if (subs.length > 0) walk(description, subs, value, at, found);
    else if (!open) found.add(at);
  }
}

/**
 * The schema and the parts of it that apply to `data`: all of `allOf`, and the branches of a
 * `oneOf`/`anyOf` that `data` may be meant for (see `mayMatch`; all of them when none is).
 */
function flatten(description: Description, schema: Schema, data: unknown): Schema[] {
  const s = description.resolve(schema);
  const out: Schema[] = [s];
  for (const part of (s.allOf as Schema[] | undefined) ?? []) {
    out.push(...flatten(description, part, data));
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = (s[key] as Schema[] | undefined) ?? [];
    if (branches.length === 0) continue;
    const matching = branches.filter((b) => mayMatch(description.resolve(b), data));
    for (const b of matching.length > 0 ? matching : branches) {
      out.push(...flatten(description, b, data));
    }
  }
  return out;
}

/**
 * Whether `data` may be meant for a branch: its JSON type fits, and no one-value `enum` of the
 * branch (a discriminator such as `authScheme` or `status`) says otherwise. Cheaper than
 * validating each branch, whose compiled code would cost more than the check.
 */
function mayMatch(branch: Schema, data: unknown): boolean {
  const types = typesOf(branch);
  if (types.length > 0 && !types.some((t) => fitsType(t, data))) return false;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return true;
  const properties = (branch.properties ?? {}) as Record<string, Schema>;
  return Object.entries(properties).every(([key, sub]) => {
    const allowed = sub.enum;
    if (!Array.isArray(allowed) || allowed.length !== 1 || !(key in data)) return true;
    return (data as Record<string, unknown>)[key] === allowed[0];
  });
}

function fitsType(type: string, data: unknown): boolean {
  switch (type) {
    case 'null':
      return data === null;
    case 'array':
      return Array.isArray(data);
    case 'object':
      return data !== null && typeof data === 'object' && !Array.isArray(data);
    case 'integer':
      return Number.isInteger(data);
    default:
      return typeof data === type;
  }
}

/**
 * The schema an answer's body is held to. Three operations describe one error status as an
 * object that names no fields (`deleteConnectedAccountsByNanoid` 404, for one), where every other
 * error of the description is the shared `Error`: such a body is held to `Error`, which it
 * allows, rather than to "no fields at all".
 */
function bodySchemaOf(description: Description, status: number, schema: Schema | null) {
  if (!schema || status < 400) return schema;
  const properties = description.resolve(schema).properties;
  const namesNone =
    properties !== undefined &&
    properties !== null &&
    typeof properties === 'object' &&
    Object.keys(properties).length === 0;
  return namesNone ? description.errorSchema : schema;
}

/** `body/items/0/deprecated` → `body.items[0].deprecated`. */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .map((segment, i) =>
      /^\d+$/.test(segment)
        ? `[${segment}]`
        : `${i === 0 ? '' : '.'}${segment.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
}

function clientOperation(method: string, path: string) {
  return CLIENT_OPERATIONS.find(
    (op) =>
      op.method === method &&
      new RegExp(`^${op.template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(
        path,
      ),
  );
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
