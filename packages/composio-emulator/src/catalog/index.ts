import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { GITHUB_TOOLS } from './github.js';
import { GMAIL_TOOLS } from './gmail.js';
import { NOTION_TOOLS } from './notion.js';
import { SLACK_TOOLS } from './slack.js';
import type { Tool } from './tool.js';

export const TOOLS: readonly Tool[] = [
  ...GITHUB_TOOLS,
  ...GMAIL_TOOLS,
  ...SLACK_TOOLS,
  ...NOTION_TOOLS,
];

const BY_SLUG = new Map(TOOLS.map((t) => [t.slug, t]));

/** Tool slugs are matched case-insensitively, as Composio does. */
export function findTool(slug: string): Tool | undefined {
  return BY_SLUG.get(slug.toUpperCase());
}

// `useDefaults` fills declared defaults in, so tools see complete arguments.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const validators = new Map<string, ValidateFunction>(
  TOOLS.map((t) => [t.slug, ajv.compile(t.input)]),
);

/**
 * Validates (and completes with defaults) a tool's arguments. Returns the problems, each naming
 * the field, e.g. `missing required field 'title'`, or an empty list.
 */
export function validateArguments(tool: Tool, args: Record<string, unknown>): string[] {
  const validate = validators.get(tool.slug);
  if (!validate || validate(args)) return [];
  return (validate.errors ?? []).map(describeAjvError);
}

function describeAjvError(e: ErrorObject): string {
  const field = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required field '${field ? `${field}.` : ''}${String(params.missingProperty)}'`;
    case 'additionalProperty':
    case 'additionalProperties':
      return `unknown field '${field ? `${field}.` : ''}${String(params.additionalProperty)}'`;
    case 'enum':
      return `field '${field}' must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return field === ''
        ? `arguments ${e.message ?? 'are invalid'}`
        : `field '${field}' ${e.message ?? 'is invalid'}`;
  }
}
