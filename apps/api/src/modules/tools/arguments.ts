import type { ToolDefinition } from '@switchboard/composio-gateway';
import { Ajv, type ValidateFunction } from 'ajv';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../errors.js';

const COMPILED_MAX = 2_000;

/**
 * Tools' JSON Schemas compiled once per tool version (compiling costs far more than checking).
 * Arguments are checked before anything is decided or written, so bad input is refused at the
 * edge with every failing field named.
 */
export class ArgumentValidators {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // Ajv keeps every schema it compiled; an evicted validator's schema is removed from it too.
  private readonly compiled = new LRUCache<string, ValidateFunction>({
    max: COMPILED_MAX,
    dispose: (validate) => this.ajv.removeSchema(validate.schema as object),
  });

  private validatorFor(tool: ToolDefinition): ValidateFunction {
    const key = `${tool.slug}@${tool.version ?? ''}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(tool.inputParameters);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Throws INVALID_ARGUMENTS naming each field that does not match the tool's schema. */
  check(tool: ToolDefinition, args: Record<string, unknown>): void {
    const validate = this.validatorFor(tool);
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
      { details: { tool: tool.slug, issues } },
    );
  }

  clear(): void {
    this.compiled.clear();
  }
}
