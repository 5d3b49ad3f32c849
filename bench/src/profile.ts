import { readFile } from 'node:fs/promises';
import { formatTable, round } from './results.ts';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  /** Monotonic microseconds: the same clock as `process.hrtime` on Linux. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  name: string;
  selfMs: number;
  share: number;
  usPerRequest: number;
}

export interface WindowSummary {
  /** Time sampled in the window, idle included. */
  sampledMs: number;
  /** Time the main thread was busy (not idle). */
  busyMs: number;
  requests: number;
  busyUsPerRequest: number;
  byArea: CostLine[];
  /** Time with the area anywhere on the stack (synchronous stacks only: awaits cut them). */
  onStackByArea: CostLine[];
  byFunction: CostLine[];
}

export async function readProfile(file: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
}

/** Where a script lives, shortened: `fastify/lib/route.js`, `apps/api/src/app.ts`. */
export function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const workspace = /\/(apps|packages|bench)\/(.*)$/.exec(path);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return path;
}

/** The package (or runtime part) a frame belongs to. */
export function areaOf(functionName: string, url: string): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : '(V8 builtins / native)';
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' ? `internal/${parts[1] ?? ''}` : parts[0]}`;
  }
  const short = shortUrl(url);
  if (short.startsWith('apps/')) return `@switchboard/${short.split('/')[1]}`;
  if (short.startsWith('packages/')) return `@switchboard/${short.split('/')[1]}`;
  if (short.startsWith('bench/')) return '@switchboard/bench';
  if (url.includes('/node_modules/')) {
    const parts = short.split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? short);
  }
  return short;
}

/** Where the event loop enters JavaScript: on nearly every stack, so not worth a line. */
const EVENT_LOOP_AREAS = new Set(['node:internal/process', 'node:internal/timers']);

/**
 * Self time per function and per area within `[fromUs, toUs]` (monotonic µs), from the samples'
 * timestamps; each sample stands for the time until the next one.
 */
export function summarizeWindow(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  requests: number,
  top = 20,
): WindowSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const stackAreas = new Map<number, Set<string>>();
  const areasOnStack = (id: number): Set<string> => {
    let areas = stackAreas.get(id);
    if (areas) return areas;
    const parent = parents.get(id);
    areas = new Set(parent === undefined ? [] : areasOnStack(parent));
    const frame = frames.get(id);
    if (frame?.url) areas.add(areaOf(frame.functionName, frame.url));
    stackAreas.set(id, areas);
    return areas;
  };
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const onStack = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  let at = profile.startTime;
  const times: number[] = [];
  for (const delta of profile.timeDeltas) {
    at += delta;
    times.push(at);
  }
  for (let i = 0; i < profile.samples.length; i++) {
    const t = times[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const next = times[i + 1] ?? profile.endTime;
    const duration = Math.max(0, Math.min(next, toUs) - t);
    const frame = frames.get(profile.samples[i] ?? -1);
    if (!frame) continue;
    sampled += duration;
    if (frame.functionName === '(idle)') {
      idle += duration;
      continue;
    }
    const area = areaOf(frame.functionName, frame.url);
    byArea.set(area, (byArea.get(area) ?? 0) + duration);
    for (const stacked of areasOnStack(profile.samples[i] ?? -1)) {
      if (EVENT_LOOP_AREAS.has(stacked)) continue;
      onStack.set(stacked, (onStack.get(stacked) ?? 0) + duration);
    }
    const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + duration);
  }
  const busy = sampled - idle;
  const lines = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: round(us / 1000, 1),
        share: busy > 0 ? round((us / busy) * 100, 1) : 0,
        usPerRequest: requests > 0 ? round(us / requests, 1) : 0,
      }));
  return {
    sampledMs: round(sampled / 1000, 1),
    busyMs: round(busy / 1000, 1),
    requests,
    busyUsPerRequest: requests > 0 ? round(busy / requests, 1) : 0,
    byArea: lines(byArea),
    onStackByArea: lines(onStack),
    byFunction: lines(byFunction),
  };
}

export function formatSummary(title: string, summary: WindowSummary): string {
  const table = (lines: CostLine[], label: string) =>
    formatTable(
      [label, 'self ms', '% busy', 'µs/req'],
      lines.map((line) => [
        line.name,
        line.selfMs.toFixed(1),
        line.share.toFixed(1),
        line.usPerRequest.toFixed(1),
      ]),
    );
  return [
    `${title}: ${summary.requests} requests, main thread busy ${summary.busyMs} ms of ${summary.sampledMs} ms sampled → ${summary.busyUsPerRequest} µs of CPU per request`,
    '',
    table(summary.byArea, 'by package / runtime area (self time)'),
    '',
    table(summary.onStackByArea, 'by area anywhere on the stack (inclusive, sync stacks)'),
    '',
    table(summary.byFunction, 'by function (self time)'),
  ].join('\n');
}
