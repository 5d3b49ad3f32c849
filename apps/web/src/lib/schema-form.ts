/**
 * A form from a tool's input schema (JSON Schema, as Composio publishes it): one field per
 * top-level property. Scalars, enums and lists of scalars get real inputs; nested objects and
 * anything the form cannot represent get a JSON box, and the runner keeps a raw JSON mode for
 * the whole argument object. Pure: the component only renders what this returns.
 */

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'list' | 'json';
export type ItemKind = 'string' | 'number' | 'integer';

export interface FormField {
  name: string;
  label: string;
  description: string | null;
  kind: FieldKind;
  required: boolean;
  /** `select`: the allowed values, as the schema states them. */
  options: unknown[];
  /** `list`: the type of each item, one per line. */
  itemKind: ItemKind;
  /** Shown as a hint; never sent unless typed (the tool applies its own defaults). */
  placeholder: string;
  minimum: number | null;
  maximum: number | null;
  minLength: number | null;
  pattern: string | null;
  /** Long text (descriptions mention bodies or messages) gets a textarea. */
  multiline: boolean;
}

export interface FormModel {
  fields: FormField[];
  /** False when the schema is not an object with properties: use raw JSON only. */
  supported: boolean;
}

/** The form's state: every field as text (checkbox-free, so "not set" is always possible). */
export type FormValues = Record<string, string>;

/** The arguments, or the errors by field name (with the fields that did parse, for raw mode). */
export type ArgumentsResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; errors: Record<string, string>; value: Record<string, unknown> };

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `type: ['string', 'null']` → `string`; no type → null. */
function mainType(schema: Schema): string | null {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const first = type.find((t) => t !== 'null');
    return typeof first === 'string' ? first : null;
  }
  return null;
}

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function placeholderFor(schema: Schema): string {
  if (schema.default !== undefined && schema.default !== '') {
    return `default: ${typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default)}`;
  }
  const example = Array.isArray(schema.examples) ? schema.examples[0] : schema.example;
  if (example !== undefined) {
    return `e.g. ${typeof example === 'string' ? example : JSON.stringify(example)}`;
  }
  return '';
}

function kindOf(schema: Schema): { kind: FieldKind; itemKind: ItemKind } {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return { kind: 'select', itemKind: 'string' };
  }
  const type = mainType(schema);
  switch (type) {
    case 'string':
      return { kind: 'text', itemKind: 'string' };
    case 'number':
      return { kind: 'number', itemKind: 'string' };
    case 'integer':
      return { kind: 'integer', itemKind: 'string' };
    case 'boolean':
      return { kind: 'boolean', itemKind: 'string' };
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : {};
      const itemType = Array.isArray(items.enum) ? null : mainType(items);
      if (itemType === 'string' || itemType === 'number' || itemType === 'integer') {
        return { kind: 'list', itemKind: itemType };
      }
      return { kind: 'json', itemKind: 'string' };
    }
    default:
      return { kind: 'json', itemKind: 'string' };
  }
}

/** The form for a tool's input schema. */
export function formFromSchema(schema: unknown): FormModel {
  if (!isSchema(schema) || !isSchema(schema.properties)) return { fields: [], supported: false };
  const required = new Set(
    Array.isArray(schema.required)
      ? schema.required.filter((r): r is string => typeof r === 'string')
      : [],
  );
  const fields = Object.entries(schema.properties).map(([name, raw]): FormField => {
    const property = isSchema(raw) ? raw : {};
    const { kind, itemKind } = kindOf(property);
    const description = typeof property.description === 'string' ? property.description : null;
    return {
      name,
      label: typeof property.title === 'string' ? property.title : humanize(name),
      description,
      kind,
      required: required.has(name),
      options: kind === 'select' && Array.isArray(property.enum) ? property.enum : [],
      itemKind,
      placeholder: placeholderFor(property),
      minimum: numberOrNull(property.minimum),
      maximum: numberOrNull(property.maximum),
      minLength: numberOrNull(property.minLength),
      pattern: typeof property.pattern === 'string' ? property.pattern : null,
      multiline:
        kind === 'text' &&
        (/^(body|text|content|message|description)$/i.test(name) ||
          (typeof property.maxLength === 'number' && property.maxLength > 200)),
    };
  });
  // Required fields first, then the schema's own order.
  fields.sort((a, b) => Number(b.required) - Number(a.required));
  return { fields, supported: true };
}

/** Empty values for every field. */
export function emptyValues(model: FormModel): FormValues {
  return Object.fromEntries(model.fields.map((field) => [field.name, '']));
}

/** How a select option travels through a `<select>`: JSON, so `1` and `"1"` stay apart. */
export const optionValue = (option: unknown) => JSON.stringify(option);

function parseNumber(text: string, integer: boolean): number | string {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) return 'must be a number';
  if (integer && !Number.isInteger(value)) return 'must be a whole number';
  return value;
}

function checkRange(field: FormField, value: number): string | null {
  if (field.minimum !== null && value < field.minimum) return `must be at least ${field.minimum}`;
  if (field.maximum !== null && value > field.maximum) return `must be at most ${field.maximum}`;
  return null;
}

function checkPattern(field: FormField, value: string): string | null {
  if (field.minLength !== null && value.length < field.minLength) {
    return field.minLength === 1 ? 'must not be empty' : `needs ${field.minLength}+ characters`;
  }
  if (field.pattern === null) return null;
  try {
    return new RegExp(field.pattern, 'u').test(value) ? null : 'has the wrong format';
  } catch {
    return null; // A pattern this browser cannot compile is left to the server to check.
  }
}

/** One field's typed value, or a message saying what is wrong with it. */
function fieldValue(
  field: FormField,
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (field.kind) {
    case 'text': {
      const problem = checkPattern(field, text);
      return problem ? { ok: false, error: problem } : { ok: true, value: text };
    }
    case 'number':
    case 'integer': {
      const parsed = parseNumber(text, field.kind === 'integer');
      if (typeof parsed === 'string') return { ok: false, error: parsed };
      const problem = checkRange(field, parsed);
      return problem ? { ok: false, error: problem } : { ok: true, value: parsed };
    }
    case 'boolean':
      return { ok: true, value: text === 'true' };
    case 'select': {
      try {
        const value: unknown = JSON.parse(text);
        if (field.options.some((option) => optionValue(option) === optionValue(value))) {
          return { ok: true, value };
        }
      } catch {
        // fall through
      }
      return { ok: false, error: 'pick one of the options' };
    }
    case 'list': {
      const items = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      if (field.itemKind === 'string') return { ok: true, value: items };
      const numbers: number[] = [];
      for (const item of items) {
        const parsed = parseNumber(item, field.itemKind === 'integer');
        if (typeof parsed === 'string') return { ok: false, error: `"${item}" ${parsed}` };
        numbers.push(parsed);
      }
      return { ok: true, value: numbers };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, error: 'must be valid JSON' };
      }
  }
}

/**
 * The tool's arguments from the form. Empty optional fields are left out (the tool's defaults
 * apply); empty required fields, and values of the wrong type, are errors by field name.
 */
export function argumentsFromValues(model: FormModel, values: FormValues): ArgumentsResult {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of model.fields) {
    const text = values[field.name] ?? '';
    if (text === '') {
      if (field.required) errors[field.name] = 'is required';
      continue;
    }
    const result = fieldValue(field, text);
    if (result.ok) value[field.name] = result.value;
    else errors[field.name] = result.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors, value } : { ok: true, value };
}

/**
 * The form's values for an argument object (switching back from raw JSON). Keys the form has no
 * field for are returned apart, so the runner can say they would be lost.
 */
export function valuesFromArguments(
  model: FormModel,
  args: Record<string, unknown>,
): { values: FormValues; unknownKeys: string[] } {
  const values = emptyValues(model);
  const names = new Set(model.fields.map((field) => field.name));
  for (const field of model.fields) {
    const value = args[field.name];
    if (value === undefined) continue;
    switch (field.kind) {
      case 'select':
        values[field.name] = optionValue(value);
        break;
      case 'list':
        values[field.name] = Array.isArray(value) ? value.map(String).join('\n') : '';
        break;
      case 'json':
        values[field.name] = JSON.stringify(value, null, 2);
        break;
      case 'boolean':
        values[field.name] = value === true ? 'true' : value === false ? 'false' : '';
        break;
      default:
        values[field.name] = typeof value === 'string' ? value : String(value);
    }
  }
  return { values, unknownKeys: Object.keys(args).filter((key) => !names.has(key)) };
}

/** Parses the raw JSON box: it must hold one object. */
export function parseRawArguments(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!isSchema(parsed)) return { ok: false, error: 'The arguments must be one JSON object.' };
  return { ok: true, value: parsed };
}
