import { describe, expect, it } from 'vitest';
import { areaOf, type CpuProfile, shortUrl, summarizeWindow } from './profile.ts';

describe('areaOf', () => {
  it('names the package, the workspace or the runtime part of a frame', () => {
    const store =
      'file:///repo/node_modules/.pnpm/@trpc+server@11/node_modules/@trpc/server/dist/x.mjs';
    expect(areaOf('f', store)).toBe('@trpc/server');
    expect(areaOf('f', 'file:///repo/node_modules/.pnpm/pg@8/node_modules/pg/lib/client.js')).toBe(
      'pg',
    );
    expect(areaOf('f', 'file:///repo/apps/api/dist/app.js')).toBe('@switchboard/api');
    expect(areaOf('f', 'node:internal/streams/writable')).toBe('node:internal/streams');
    expect(areaOf('emit', 'node:events')).toBe('node:events');
    expect(areaOf('(garbage collector)', '')).toBe('(garbage collector)');
    expect(areaOf('writev', '')).toBe('(V8 builtins / native)');
    expect(shortUrl(store)).toBe('@trpc/server/dist/x.mjs');
  });
});

describe('summarizeWindow', () => {
  // root → handler (app) → query (pg); idle in between.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4] },
      {
        id: 2,
        callFrame: { functionName: 'handler', url: 'file:///r/apps/api/dist/a.js', lineNumber: 9 },
        children: [3],
      },
      {
        id: 3,
        callFrame: {
          functionName: 'query',
          url: 'file:///r/node_modules/pg/lib/client.js',
          lineNumber: 0,
        },
      },
      { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    ],
    startTime: 1_000,
    endTime: 1_000 + 500,
    samples: [2, 3, 3, 4, 2],
    timeDeltas: [0, 100, 100, 100, 100],
  };

  it('adds up self time, inclusive time and idle time within the window, per request', () => {
    const summary = summarizeWindow(profile, 1_000, 1_500, 2);
    expect(summary.sampledMs).toBe(0.5);
    expect(summary.busyMs).toBe(0.4);
    expect(summary.busyUsPerRequest).toBe(200);
    expect(summary.byArea).toStrictEqual([
      { name: '@switchboard/api', selfMs: 0.2, share: 50, usPerRequest: 100 },
      { name: 'pg', selfMs: 0.2, share: 50, usPerRequest: 100 },
    ]);
    expect(summary.onStackByArea[0]).toStrictEqual({
      name: '@switchboard/api',
      selfMs: 0.4,
      share: 100,
      usPerRequest: 200,
    });
    expect(summary.byFunction.map((line) => line.name)).toStrictEqual([
      'handler apps/api/dist/a.js:10',
      'query pg/lib/client.js:1',
    ]);
  });

  it('leaves out samples outside the window', () => {
    expect(summarizeWindow(profile, 1_250, 1_350, 1).busyMs).toBe(0);
    expect(summarizeWindow(profile, 1_100, 1_200, 1).byArea).toStrictEqual([
      { name: 'pg', selfMs: 0.1, share: 100, usPerRequest: 100 },
    ]);
  });
});
