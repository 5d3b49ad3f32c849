/**
 * The vitest global setup of the contract check: clears the per-file results, and once every file
 * has run merges them into `.vitest-results/contract-report.json` and `.md` (gitignored) and
 * prints a summary.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ExtraEntry, type FailureEntry, line, type Part, type Tally } from './findings.js';

export default function contractGlobalSetup(project: TestProject): () => void {
  const results = join(project.config.root, '.vitest-results');
  const dir = join(results, 'contract-parts');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  project.provide('contractReportDir', dir);

  return () => {
    const parts = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Part);
    const report = merge(parts);
    writeFileSync(join(results, 'contract-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(results, 'contract-report.md'), markdown(report));
    rmSync(dir, { recursive: true, force: true });
    console.log(summary(report, relative(process.cwd(), join(results, 'contract-report.md'))));
  };
}

interface Report {
  operations: Record<string, Tally>;
  excluded: Record<string, number>;
  extras: Array<ExtraEntry & { files: string[] }>;
  failures: FailureEntry[];
}

function merge(parts: Part[]): Report {
  const operations: Record<string, Tally> = {};
  const excluded: Record<string, number> = {};
  const extras = new Map<string, ExtraEntry & { files: string[] }>();
  const failures: FailureEntry[] = [];
  for (const part of parts) {
    for (const [op, t] of Object.entries(part.operations)) {
      const into = operations[op] ?? { responses: 0, requests: 0, statuses: {} };
      operations[op] = into;
      into.responses += t.responses;
      into.requests += t.requests;
      for (const [status, n] of Object.entries(t.statuses)) {
        into.statuses[status] = (into.statuses[status] ?? 0) + n;
      }
    }
    for (const [reason, n] of Object.entries(part.excluded)) {
      excluded[reason] = (excluded[reason] ?? 0) + n;
    }
    for (const e of part.extras) {
      const key = `${e.operation} ${e.status} ${e.side} ${e.path}`;
      const seen = extras.get(key);
      if (seen) {
        seen.count += e.count;
        if (!seen.files.includes(e.file)) seen.files.push(e.file);
      } else extras.set(key, { ...e, files: [e.file] });
    }
    failures.push(...part.failures);
  }
  const sorted = Object.fromEntries(
    Object.entries(operations).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    operations: sorted,
    excluded,
    extras: [...extras.values()].sort((a, b) =>
      `${a.operation} ${a.status} ${a.path}`.localeCompare(`${b.operation} ${b.status} ${b.path}`),
    ),
    failures,
  };
}

function markdown(report: Report): string {
  const rows = Object.entries(report.operations).map(
    ([op, t]) =>
      `| ${op} | ${t.responses} | ${t.requests} | ${Object.entries(t.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')} |`,
  );
  const extraRows = report.extras.map(
    (e) =>
      `| ${e.operation} | ${e.status} | ${e.side} | \`${e.path}\` | ${e.count} | ${
        e.allowedBy ?? '**nothing: fails**'
      } |`,
  );
  return [
    '# OpenAPI contract check',
    '',
    "Every exchange the emulator answered in this package's tests, held to Composio's OpenAPI",
    'description (packages/composio-emulator/test/contract/SOURCE.md).',
    '',
    '| operation | responses checked | requests checked | statuses |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Excluded: ${Object.entries(report.excluded)
      .map(([r, n]) => `${n} ${r}`)
      .join('; ')}.`,
    '',
    '## Fields the description does not name',
    '',
    '| operation | status | side | field | seen | allowed by |',
    '|---|---|---|---|---|---|',
    ...extraRows,
    '',
    `## Failures: ${report.failures.length}`,
    '',
    ...report.failures.map((f) => `- ${f.file}: ${line(f).trim()}`),
    '',
  ].join('\n');
}

function summary(report: Report, where: string): string {
  const ops = Object.values(report.operations);
  const responses = ops.reduce((n, t) => n + t.responses, 0);
  const requests = ops.reduce((n, t) => n + t.requests, 0);
  const excluded = Object.values(report.excluded).reduce((n, c) => n + c, 0);
  return (
    `\nOpenAPI contract: ${responses} responses and ${requests} requests checked across ` +
    `${ops.length} operations (${excluded} exchanges excluded); ` +
    `${report.extras.length} undescribed fields reported, ${report.failures.length} failures. ` +
    `Report: ${where}\n`
  );
}
