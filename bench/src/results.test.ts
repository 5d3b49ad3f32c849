import { describe, expect, it } from 'vitest';
import {
  type BenchReport,
  checkTargets,
  combineRounds,
  formatReport,
  loadStats,
  median,
  percentile,
  toScenarioResult,
} from './results.ts';

describe('percentile', () => {
  it('takes the nearest rank of sorted values', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('loadStats', () => {
  it('counts every kind of failure as an error and rates completed responses', () => {
    expect(
      loadStats({
        latenciesMs: [3, 1, 2, 10],
        completed: 50,
        durationS: 10,
        non2xx: 1,
        socketErrors: 2,
        badBodies: 3,
      }),
    ).toStrictEqual({ rps: 5, p50Ms: 2, p99Ms: 10, errors: 6 });
  });
});

describe('toScenarioResult', () => {
  it('adds the ratio to the baseline and the peak RSS in MB', () => {
    const stats = { rps: 1500, p50Ms: 10, p99Ms: 20, errors: 0 };
    expect(toScenarioResult(stats, 200 * 1024 * 1024, 1000)).toStrictEqual({
      rps: 1500,
      p50Ms: 10,
      p99Ms: 20,
      errors: 0,
      peakRssMb: 200,
      ratioToBaseline: 1.5,
    });
  });
});

const report: BenchReport = {
  at: '2026-11-25T00:00:00.000Z',
  node: 'v24.21.0',
  database: 'postgres',
  concurrency: 32,
  scenarios: {
    baseline: { rps: 1000, p50Ms: 5, p99Ms: 9, errors: 0, peakRssMb: 300, ratioToBaseline: 1 },
    'tools.execute': {
      rps: 900,
      p50Ms: 6,
      p99Ms: 12,
      errors: 0,
      peakRssMb: 240,
      ratioToBaseline: 0.9,
    },
    'tools.list': { rps: 3000, p50Ms: 2, p99Ms: 25, errors: 1, peakRssMb: 260, ratioToBaseline: 3 },
  },
};

describe('checkTargets', () => {
  it('reports each target as measured; the baseline process is not an API instance', () => {
    expect(checkTargets(report)).toStrictEqual([
      { target: 'tools.execute ≥ 1.0× baseline req/s', met: false, actual: '0.9×' },
      { target: 'tools.list p99 ≤ 20 ms at concurrency 32', met: false, actual: '25 ms' },
      { target: 'zero errors', met: false, actual: '1' },
      { target: 'peak RSS ≤ 250 MB per API instance', met: false, actual: '260 MB' },
    ]);
  });
});

describe('checkTargets with idempotency keys', () => {
  it('holds keyed executions to 0.85× the same scenario without keys', () => {
    const execute = report.scenarios['tools.execute'];
    const keyed = (rps: number): BenchReport => ({
      ...report,
      scenarios: {
        'tools.execute': execute,
        'tools.execute.idempotent': { ...execute, rps } as never,
      },
    });
    expect(checkTargets(keyed(774)).at(1)).toStrictEqual({
      target: 'tools.execute.idempotent ≥ 0.85× tools.execute req/s',
      met: true,
      actual: '0.86×',
    });
    expect(checkTargets(keyed(720)).at(1)?.met).toBe(false);
  });
});

describe('checkTargets with the unsized API and the limit server', () => {
  it('holds neither to the per-instance memory target', () => {
    const withPlain: BenchReport = {
      ...report,
      scenarios: {
        'tools.execute': { ...report.scenarios['tools.execute'], ratioToBaseline: 1.2 } as never,
        limit: { rps: 5000, p50Ms: 1, p99Ms: 3, errors: 0, peakRssMb: 400, ratioToBaseline: 5 },
        'plain.tools.execute': {
          rps: 900,
          p50Ms: 6,
          p99Ms: 12,
          errors: 0,
          peakRssMb: 330,
          ratioToBaseline: 0.9,
        },
      },
    };
    expect(checkTargets(withPlain).at(-1)).toStrictEqual({
      target: 'peak RSS ≤ 250 MB per API instance',
      met: true,
      actual: '240 MB',
    });
  });
});

describe('formatReport', () => {
  it('prints one row per scenario that ran, in the fixed order', () => {
    const lines = formatReport(report, { baseline: { 'server CPU µs/req': '700' } }).split('\n');
    expect(lines[0]).toMatch(/^scenario\s+req\/s\s+p50 ms\s+p99 ms\s+errors/);
    expect(lines.slice(2).map((line) => line.split(/\s+/)[0])).toStrictEqual([
      'baseline',
      'tools.execute',
      'tools.list',
    ]);
    expect(lines[2]).toMatch(/1000\.0\s+5\.00\s+9\.00\s+0\s+300\.0\s+1\.00\s+700$/);
  });
});

describe('combineRounds', () => {
  const stats = (rps: number, p99Ms: number, errors = 0) => ({
    rps,
    p50Ms: p99Ms / 2,
    p99Ms,
    errors,
  });

  it('takes medians, and the ratio from each round against its own baseline', () => {
    const combined = combineRounds([
      // A slow spell in round 2 hits both sides: its ratio is still 1.2.
      { stats: stats(1200, 30), peakRssBytes: 100 * 1048576, baselineRps: 1000 },
      { stats: stats(600, 90, 2), peakRssBytes: 180 * 1048576, baselineRps: 500 },
      { stats: stats(1100, 32), peakRssBytes: 120 * 1048576, baselineRps: 1000 },
    ]);
    expect(combined).toStrictEqual({
      rps: 1100,
      p50Ms: 16,
      p99Ms: 32,
      errors: 2,
      peakRssMb: 180,
      ratioToBaseline: 1.2,
    });
  });

  it('gives executing scenarios their ratio to the limit measured in the same rounds', () => {
    const combined = combineRounds([
      { stats: stats(800, 30), peakRssBytes: 0, baselineRps: 1000, limitRps: 2000 },
      { stats: stats(400, 30), peakRssBytes: 0, baselineRps: 500, limitRps: 1000 },
      { stats: stats(900, 30), peakRssBytes: 0, baselineRps: 1000, limitRps: 1500 },
    ]);
    expect(combined.ratioToLimit).toBe(0.4);
    expect(
      combineRounds([{ stats: stats(1, 1), peakRssBytes: 0, baselineRps: 1 }]),
    ).not.toHaveProperty('ratioToLimit');
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});
