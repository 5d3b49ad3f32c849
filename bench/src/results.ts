/** The scenarios, in the order they run and print. */
export const SCENARIO_NAMES = [
  'baseline',
  'limit',
  'tools.execute',
  'tools.execute.idempotent',
  'mcp.tools.call',
  'connections.list',
  'tools.list',
  'me.get',
  'plain.tools.execute',
  'plain.connections.list',
  'two-instances',
] as const;

/**
 * Scenarios that run the API without the benchmark's process settings (`node dist/main.js`, as
 * `pnpm start` does), to show what the settings buy; the memory target is not theirs.
 */
export const PLAIN_SCENARIOS: readonly ScenarioName[] = [
  'plain.tools.execute',
  'plain.connections.list',
];

/** Scenarios whose rate is also given as a share of the `limit` scenario's (executions). */
export const EXECUTING_SCENARIOS: readonly ScenarioName[] = [
  'tools.execute',
  'tools.execute.idempotent',
  'mcp.tools.call',
  'plain.tools.execute',
  'two-instances',
];

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One scenario as `bench/results/latest.json` records it. */
export interface ScenarioResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx responses + socket errors and timeouts + 2xx bodies that failed the check. */
  errors: number;
  /** Highest resident set size of one server process during the measured run. */
  peakRssMb: number;
  /** `rps` over the baseline's `rps` in the same run. */
  ratioToBaseline: number;
  /** `rps` over the `limit` scenario's in the same rounds (executing scenarios only). */
  ratioToLimit?: number;
}

/** The whole of `bench/results/latest.json`. */
export interface BenchReport {
  at: string;
  node: string;
  database: 'postgres' | 'pglite';
  concurrency: number;
  scenarios: Partial<Record<ScenarioName, ScenarioResult>>;
}

/** What one measured load run produced, before it is shaped into a result. */
export interface LoadSample {
  /** Latency of each 2xx response, in milliseconds. */
  latenciesMs: ArrayLike<number>;
  /** Responses received (any status). */
  completed: number;
  durationS: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  socketErrors: number;
  /** 2xx responses whose body failed the scenario's check. */
  badBodies: number;
}

/** Nearest-rank percentile of values sorted ascending; 0 for none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  if (p <= 0) return sorted[0] ?? 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface LoadStats {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function loadStats(sample: LoadSample): LoadStats {
  const sorted = Float64Array.from(sample.latenciesMs).sort();
  return {
    rps: sample.durationS > 0 ? round(sample.completed / sample.durationS, 1) : 0,
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    errors: sample.non2xx + sample.socketErrors + sample.badBodies,
  };
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** One scenario measured in one round, with the baseline measured in that same round. */
export interface RoundResult {
  stats: LoadStats;
  peakRssBytes: number;
  baselineRps: number | undefined;
  /** The `limit` scenario measured in that round, for executing scenarios. */
  limitRps?: number | undefined;
}

/**
 * A scenario over several rounds: the median of each figure, the ratio as the median of each
 * round's ratio to the baseline measured beside it (so a slow spell on the shared machine
 * moves both sides of a ratio), errors summed and the highest peak RSS.
 */
export function combineRounds(rounds: readonly RoundResult[]): ScenarioResult {
  const results = rounds.map((r) => toScenarioResult(r.stats, r.peakRssBytes, r.baselineRps));
  const combined: ScenarioResult = {
    rps: round(median(results.map((r) => r.rps)), 1),
    p50Ms: round(median(results.map((r) => r.p50Ms)), 2),
    p99Ms: round(median(results.map((r) => r.p99Ms)), 2),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    peakRssMb: Math.max(0, ...results.map((r) => r.peakRssMb)),
    ratioToBaseline: round(median(results.map((r) => r.ratioToBaseline)), 2),
  };
  const toLimit = rounds.flatMap((r) =>
    r.limitRps && r.limitRps > 0 ? [r.stats.rps / r.limitRps] : [],
  );
  if (toLimit.length > 0) combined.ratioToLimit = round(median(toLimit), 2);
  return combined;
}

/** Adds the baseline ratio (the baseline's own is 1) and rounds the memory figure. */
export function toScenarioResult(
  stats: LoadStats,
  peakRssBytes: number,
  baselineRps: number | undefined,
): ScenarioResult {
  return {
    ...stats,
    peakRssMb: round(peakRssBytes / (1024 * 1024), 1),
    ratioToBaseline: baselineRps && baselineRps > 0 ? round(stats.rps / baselineRps, 2) : 0,
  };
}

export interface TargetCheck {
  target: string;
  met: boolean;
  actual: string;
}

/** The targets, checked against what was measured (nothing is adjusted to meet them). */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const s = report.scenarios;
  const execute = s['tools.execute'];
  if (execute) {
    checks.push({
      target: 'tools.execute ≥ 1.0× baseline req/s',
      met: execute.ratioToBaseline >= 1,
      actual: `${execute.ratioToBaseline}×`,
    });
  }
  const idempotent = s['tools.execute.idempotent'];
  if (idempotent && execute && execute.rps > 0) {
    const ratio = round(idempotent.rps / execute.rps, 2);
    checks.push({
      target: 'tools.execute.idempotent ≥ 0.85× tools.execute req/s',
      met: ratio >= 0.85,
      actual: `${ratio}×`,
    });
  }
  const mcp = s['mcp.tools.call'];
  if (mcp && execute && execute.rps > 0) {
    const ratio = round(mcp.rps / execute.rps, 2);
    checks.push({
      target: 'mcp.tools.call ≥ 0.8× tools.execute req/s',
      met: ratio >= 0.8,
      actual: `${ratio}×`,
    });
  }
  for (const name of ['connections.list', 'tools.list'] as const) {
    const result = s[name];
    if (!result) continue;
    checks.push({
      target: `${name} p99 ≤ 20 ms at concurrency ${report.concurrency}`,
      met: result.p99Ms <= 20,
      actual: `${result.p99Ms} ms`,
    });
  }
  const entries = Object.entries(s) as Array<[ScenarioName, ScenarioResult]>;
  const errors = entries.reduce((sum, [, result]) => sum + result.errors, 0);
  checks.push({ target: 'zero errors', met: errors === 0, actual: `${errors}` });
  const apiPeak = Math.max(
    0,
    ...entries
      .filter(
        ([name]) => name !== 'baseline' && name !== 'limit' && !PLAIN_SCENARIOS.includes(name),
      )
      .map(([, result]) => result.peakRssMb),
  );
  checks.push({
    target: 'peak RSS ≤ 250 MB per API instance',
    met: apiPeak <= 250,
    actual: `${apiPeak} MB`,
  });
  return checks;
}

/** A plain-text table: left-aligned first column, right-aligned numbers. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...cells.slice(1).map(line)].join('\n');
}

/** The printed table of a report; `extra` adds columns per scenario (CPU cost and the like). */
export function formatReport(
  report: BenchReport,
  extra: Partial<Record<ScenarioName, Record<string, string>>> = {},
): string {
  const extraColumns = [
    ...new Set(Object.values(extra).flatMap((columns) => Object.keys(columns ?? {}))),
  ];
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'peak RSS MB',
    '× baseline',
    '× limit',
    ...extraColumns,
  ];
  const rows = SCENARIO_NAMES.flatMap((name) => {
    const r = report.scenarios[name];
    if (!r) return [];
    return [
      [
        name,
        r.rps.toFixed(1),
        r.p50Ms.toFixed(2),
        r.p99Ms.toFixed(2),
        r.errors,
        r.peakRssMb.toFixed(1),
        r.ratioToBaseline.toFixed(2),
        r.ratioToLimit === undefined ? '' : r.ratioToLimit.toFixed(2),
        ...extraColumns.map((column) => extra[name]?.[column] ?? ''),
      ],
    ];
  });
  return formatTable(header, rows);
}
