/**
 * Composio's OpenAPI description (see SOURCE.md), read once per test file and turned into what
 * the contract check needs: operations matched by method and path, and JSON Schemas for Ajv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The description's paths start with this; the SDK and the emulator use `WIRE_PREFIX`. */
const DESCRIBED_PREFIX = '/api/v3/';
export const WIRE_PREFIX = '/api/v3.1/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template as the SDK calls it: `/api/v3.1/connected_accounts/{nanoid}`. */
  template: string;
  parameters: Parameter[];
  requestBody: { required: boolean; schema: Schema | null } | null;
  /** Documented statuses → the JSON body schema (null when the response has no body). */
  responses: Map<string, Schema | null>;
  /** Matches a request path; groups are the path parameters in order. */
  pattern: RegExp;
  pathParams: string[];
  /** Literal segments, to prefer `/tools/enum` over `/tools/{tool_slug}`. */
  literals: number;
}

interface RawOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: Parameter['in']; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface RawDescription {
  paths: Record<string, Record<string, RawOperation | unknown>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * The formats the description names but does not define (Composio's id kinds): any string
 * passes, the description says no more.
 */
const OPAQUE_FORMATS = [
  'authConfigId',
  'connectedAccountId',
  'projectId',
  'orgId',
  'triggerInstanceId',
  'toolRouterSessionId',
];

/**
 * OpenAPI 3.0 schema objects → JSON Schema (draft-07) as Ajv reads it: `nullable` becomes a
 * `null` type, a boolean `exclusiveMinimum` a number, `$ref`s point into the registered
 * components, and `example` (not a JSON Schema keyword) goes.
 */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'nullable' || key.startsWith('x-')) continue;
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]),
      );
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/components/schemas/', `${COMPONENTS_ID}#/definitions/`);
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  } else if (typeof node.exclusiveMinimum === 'boolean') {
    delete out.exclusiveMinimum;
  }
  if (node.nullable === true) {
    if (typeof node.type === 'string') out.type = [node.type, 'null'];
    if (Array.isArray(node.enum)) out.enum = [...node.enum, null];
  }
  return out;
}

const COMPONENTS_ID = 'composio-openapi-components';

export interface Description {
  operations: Operation[];
  ajv: Ajv;
  /** The shared error body, `#/components/schemas/Error`. */
  errorSchema: Schema;
  /** A compiled validator for a (converted) schema, cached by identity. */
  validator(schema: Schema): ValidateFunction;
  /**
   * Why `data` fails `schema`, from a validator compiled without shared definitions: its
   * errors' `schemaPath`s run from the root through every `oneOf` branch (see `readable`).
   */
  explain(schema: Schema, data: unknown): ErrorObject[];
  /** A `$ref` resolved against the components. */
  resolve(schema: Schema): Schema;
  match(
    method: string,
    path: string,
  ): { operation: Operation; params: Record<string, string> } | null;
}

let cached: Description | undefined;

/** The vendored description, prepared; once per module instance (one per test file). */
export function loadDescription(): Description {
  cached ??= prepare(
    JSON.parse(
      readFileSync(join(import.meta.dirname, 'composio-openapi.json'), 'utf8'),
    ) as RawDescription,
  );
  return cached;
}

function prepare(raw: RawDescription): Description {
  // Each test file compiles what it needs afresh: unoptimized code compiles in half the time,
  // and with `inlineRefs: false` a shared definition (see `shareRepeats`) compiles once.
  const ajv = newAjv({ inlineRefs: false });
  const definitions = toJsonSchema(raw.components.schemas) as Record<string, Schema>;
  const plain = newAjv({});
  plain.addSchema({ $id: COMPONENTS_ID, definitions: structuredClone(definitions) });

  const operations: Operation[] = [];
  for (const [describedPath, item] of Object.entries(raw.paths)) {
    if (!describedPath.startsWith(DESCRIBED_PREFIX)) continue;
    const template = WIRE_PREFIX + describedPath.slice(DESCRIBED_PREFIX.length);
    for (const method of METHODS) {
      const op = item[method] as RawOperation | undefined;
      if (!op) continue;
      operations.push(operationOf(method.toUpperCase(), template, op));
    }
  }
  operations.sort((a, b) => b.literals - a.literals);
  const originals = shareRepeats(operations, definitions);
  ajv.addSchema({ $id: COMPONENTS_ID, definitions });

  const validators = new WeakMap<Schema, ValidateFunction>();
  const explainers = new WeakMap<Schema, ValidateFunction>();
  const errorSchema = definitions.Error;
  if (!errorSchema) throw new Error('composio-openapi.json: no components.schemas.Error');

  return {
    operations,
    ajv,
    errorSchema,
    validator(schema) {
      let validate = validators.get(schema);
      if (!validate) {
        validate = ajv.compile(schema);
        validators.set(schema, validate);
      }
      return validate;
    },
    explain(schema, data) {
      let validate = explainers.get(schema);
      if (!validate) {
        validate = plain.compile(originals.get(schema) ?? schema);
        explainers.set(schema, validate);
      }
      return validate(data) ? [] : [...(validate.errors ?? [])];
    },
    resolve(schema) {
      const ref = schema.$ref;
      if (typeof ref !== 'string') return schema;
      const name = ref.slice(ref.lastIndexOf('/') + 1);
      const target = definitions[name];
      if (!target) throw new Error(`composio-openapi.json: unknown $ref ${ref}`);
      return target;
    },
    match(method, path) {
      for (const operation of operations) {
        if (operation.method !== method) continue;
        const found = operation.pattern.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        operation.pathParams.forEach((name, i) => {
          params[name] = decodeURIComponent(found[i + 1] ?? '');
        });
        return { operation, params };
      }
      return null;
    },
  };
}

/** Keywords whose value is a schema, and those whose value is a list or a map of schemas. */
const SCHEMA_KEYS = ['items', 'additionalProperties', 'not'];
const SCHEMA_LIST_KEYS = ['oneOf', 'anyOf', 'allOf'];
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', 'definitions'];
/** Subschemas at least this long (as JSON) that occur more than once are shared. */
const SHARE_FROM = 1_000;

/**
 * Moves large subschemas that occur more than once (the connection `state` of an account is in
 * the single account, the list, the initiate answer and several request bodies) into shared
 * definitions, so Ajv compiles each once per test file instead of once per occurrence.
 * Returns, for each shared root, a copy of it as it was (for `explain`).
 */
function shareRepeats(
  operations: Operation[],
  definitions: Record<string, Schema>,
): Map<Schema, Schema> {
  const roots: Schema[] = [];
  for (const op of operations) {
    for (const schema of op.responses.values()) if (schema) roots.push(schema);
    if (op.requestBody?.schema) roots.push(op.requestBody.schema);
  }
  const copies = new Map(roots.map((root) => [root, structuredClone(root)]));
  const originals = new Map<Schema, Schema>();
  const keys = new Map<Schema, string>();
  const counts = new Map<string, number>();
  const keyOf = (node: Schema): string => {
    const key = JSON.stringify(node);
    keys.set(node, key);
    if (key.length >= SHARE_FROM) counts.set(key, (counts.get(key) ?? 0) + 1);
    forEachSubschema(node, keyOf);
    return key;
  };
  for (const root of roots) keyOf(root);

  const shared = new Map<string, string>();
  const replace = (node: Schema): Schema => {
    const key = keys.get(node);
    if (key !== undefined && (counts.get(key) ?? 0) > 1) {
      let name = shared.get(key);
      if (name === undefined) {
        name = `_shared${shared.size + 1}`;
        shared.set(key, name);
        forEachSubschema(node, replace, true);
        definitions[name] = node;
      }
      return { $ref: `${COMPONENTS_ID}#/definitions/${name}` };
    }
    forEachSubschema(node, replace, true);
    return node;
  };
  const share = (root: Schema): Schema => {
    const copy = copies.get(root) ?? root;
    const out = replace(root);
    originals.set(out, copy);
    return out;
  };
  for (const op of operations) {
    for (const [status, schema] of op.responses) {
      if (schema) op.responses.set(status, share(schema));
    }
    if (op.requestBody?.schema) op.requestBody.schema = share(op.requestBody.schema);
  }
  return originals;
}

function newAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { optimize: false }, ...options });
  addFormats.default(ajv);
  for (const format of OPAQUE_FORMATS) ajv.addFormat(format, () => true);
  return ajv;
}

/** Calls `visit` on each direct subschema; with `assign`, puts back what it returns. */
function forEachSubschema(node: Schema, visit: (sub: Schema) => unknown, assign = false): void {
  const isSchema = (v: Json | undefined): v is Schema =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const key of SCHEMA_KEYS) {
    const sub = node[key];
    if (isSchema(sub)) {
      const out = visit(sub);
      if (assign) node[key] = out as Schema;
    }
  }
  for (const key of SCHEMA_LIST_KEYS) {
    const list = node[key];
    if (!Array.isArray(list)) continue;
    list.forEach((sub, i) => {
      if (!isSchema(sub)) return;
      const out = visit(sub);
      if (assign) list[i] = out as Schema;
    });
  }
  for (const key of SCHEMA_MAP_KEYS) {
    const map = node[key];
    if (!isSchema(map)) continue;
    for (const [name, sub] of Object.entries(map)) {
      if (!isSchema(sub)) continue;
      const out = visit(sub);
      if (assign) map[name] = out as Schema;
    }
  }
}

function operationOf(method: string, template: string, op: RawOperation): Operation {
  const pathParams: string[] = [];
  const segments = template.split('/');
  const pattern = segments
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      pathParams.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  const json = (content?: Record<string, { schema?: Schema }>) => {
    const schema = content?.['application/json']?.schema;
    return schema ? (toJsonSchema(schema) as Schema) : null;
  };
  return {
    operationId: op.operationId,
    method,
    template,
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true || p.in === 'path',
      schema: toJsonSchema(p.schema ?? {}) as Schema,
    })),
    requestBody: op.requestBody
      ? { required: op.requestBody.required === true, schema: json(op.requestBody.content) }
      : null,
    responses: new Map(
      Object.entries(op.responses).map(([status, r]) => [status, json(r.content)]),
    ),
    pattern: new RegExp(`^${pattern}/?$`),
    pathParams,
    literals: segments.length - pathParams.length,
  };
}

/**
 * Compiles the validator of every schema an exchange can be held to. A test file pays this once,
 * before its tests: compiled on first use, inside the emulator's answer, one large schema took
 * longer than the client's own timeout on a loaded machine (link: 2.5 s).
 */
export function compileValidators(description: Description): void {
  description.validator(description.errorSchema);
  for (const operation of description.operations) {
    if (operation.requestBody?.schema) description.validator(operation.requestBody.schema);
    for (const schema of operation.responses.values()) {
      if (schema) description.validator(schema);
    }
  }
}
