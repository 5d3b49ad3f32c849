import type { ToolDefinition } from '@switchboard/composio-gateway';
import { Ajv, type ValidateFunction } from 'ajv';
import { AppError } from '../errors.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();
const COMPILED_MAX = 2_000;

function validatorFor(tool: ToolDefinition): ValidateFunction {
  const key = `${tool.slug}@${tool.version ?? ''}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(tool.inputParameters);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Checks arguments against the tool's JSON Schema before anything is decided or written, so bad
 * input is refused at the edge with every failing field named.
 */
export function assertValidArguments(tool: ToolDefinition, args: Record<string, unknown>): void {
  const validate = validatorFor(tool);
  if (validate(args)) return;
  const issues = (validate.errors ?? []).map((error) => ({
    path:
      error.instancePath.replace(/^\//, '').replaceAll('/', '.') ||
      (error.params as { missingProperty?: string }).missingProperty ||
      '',
    message: error.message ?? 'is invalid',
  }));
  const summary = issues
    .map((issue) => `${issue.path || '(arguments)'} ${issue.message}`)
    .join('; ');
  throw new AppError(
    'INVALID_ARGUMENTS',
    `Arguments for ${tool.slug} do not match its schema: ${summary}`,
    {
      details: { tool: tool.slug, issues },
    },
  );
}
