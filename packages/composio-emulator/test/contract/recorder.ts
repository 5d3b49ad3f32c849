/**
 * The worker side of the contract check: every exchange of every emulator in the test file's
 * process is checked as it is sent, so nothing is kept but counts, the undescribed fields (once
 * each) and at most `MAX_FINDINGS` findings per test. A mismatch fails the test that caused it
 * once it finishes, or the file when a hook outside the tests did; what the file saw is written
 * for `global-setup.ts` to merge.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeEach, expect, inject } from 'vitest';
import { observeExchanges } from '../../src/index.js';
import { checkExchange } from './check.js';
import { type ExtraEntry, type FailureEntry, line, type Part, type Tally } from './findings.js';
import { loadDescription } from './openapi.js';

declare module 'vitest' {
  export interface ProvidedContext {
    contractReportDir: string;
  }
}

const OUTSIDE_TESTS = '(a hook of the file, outside any test)';
/** Findings kept per test; the rest are counted. */
const MAX_FINDINGS = 25;

/** Registers the check for the current test file (call it from a vitest setup file). */
export function installContractCheck(): void {
  const operations: Record<string, Tally> = {};
  const excluded: Record<string, number> = {};
  const extras = new Map<string, ExtraEntry>();
  const allFailures: FailureEntry[] = [];
  let open: FailureEntry[] = [];
  let dropped = 0;

  const stop = observeExchanges((exchange) => {
    const test = expect.getState().currentTestName ?? OUTSIDE_TESTS;
    let verdict: ReturnType<typeof checkExchange>;
    try {
      verdict = checkExchange(loadDescription(), exchange);
    } catch (error) {
      verdict = {
        kind: 'checked',
        operation: `${exchange.method} ${exchange.url}`,
        requestChecked: false,
        extras: [],
        failures: [
          {
            operation: `${exchange.method} ${exchange.url}`,
            status: exchange.status,
            side: 'response',
            field: '(check)',
            message: `the contract check itself failed: ${String(error)}`,
          },
        ],
      };
    }
    if (verdict.kind === 'excluded') {
      excluded[verdict.reason] = (excluded[verdict.reason] ?? 0) + 1;
      return;
    }
    const tally = operations[verdict.operation] ?? { responses: 0, requests: 0, statuses: {} };
    operations[verdict.operation] = tally;
    tally.responses += 1;
    if (verdict.requestChecked) tally.requests += 1;
    tally.statuses[exchange.status] = (tally.statuses[exchange.status] ?? 0) + 1;

    for (const extra of verdict.extras) {
      const key = `${extra.operation} ${extra.status} ${extra.side} ${extra.path}`;
      const seen = extras.get(key);
      if (seen) seen.count += 1;
      else extras.set(key, { ...extra, count: 1, test, file: '' });
      if (extra.side === 'response' && extra.allowedBy === null) {
        verdict.failures.push({
          operation: extra.operation,
          status: extra.status,
          side: 'response',
          field: `body.${extra.path}`,
          message:
            'not in the description, nor in the @composio/client type (client-fields.ts) for it',
        });
      }
    }
    for (const failure of verdict.failures) {
      const entry = { ...failure, test, file: '' };
      const duplicate = open.some(
        (f) =>
          f.test === test &&
          f.operation === entry.operation &&
          f.field === entry.field &&
          f.message === entry.message,
      );
      if (duplicate) continue;
      if (open.filter((f) => f.test === test).length >= MAX_FINDINGS) dropped += 1;
      else open.push(entry);
    }
  });

  const raise = (findings: FailureEntry[]) => {
    allFailures.push(...findings);
    const more = dropped > 0 ? `\n  …and ${dropped} more` : '';
    dropped = 0;
    throw new Error(
      `The emulator broke Composio's OpenAPI description (test/contract/SOURCE.md):\n${findings
        .map(line)
        .join('\n')}${more}`,
    );
  };

  // After the test and all its `afterEach` hooks (one that throws would skip an `afterEach`
  // of this setup file): everything found since the last test ended.
  beforeEach(({ onTestFinished }) => {
    onTestFinished(() => {
      const found = open;
      open = [];
      if (found.length > 0) raise(found);
    });
  });

  afterAll(() => {
    stop();
    const dir = inject('contractReportDir');
    const leftover = open;
    open = [];
    if (dir) {
      const file = expect.getState().testPath;
      const rel = file ? relative(join(dir, '..', '..'), file) : '(unknown file)';
      const part: Part = {
        file: rel,
        operations,
        excluded,
        extras: [...extras.values()].map((e) => ({ ...e, file: rel })),
        failures: [...allFailures, ...leftover].map((f) => ({ ...f, file: rel })),
      };
      writeFileSync(
        join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`),
        JSON.stringify(part),
      );
    }
    if (leftover.length > 0) raise(leftover);
  });
}
