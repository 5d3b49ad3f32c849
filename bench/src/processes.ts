import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/src → ../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `--import <tsx>` and the source condition: run a workspace's TypeScript directly. */
export function tsxArgs(): string[] {
  return ['--conditions=@switchboard/source', '--import', import.meta.resolve('tsx')];
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<Child>();
const ECHO_MAX_LINES = 30;

export interface SpawnOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each line the child prints on stdout. */
  onLine?: (line: string) => void;
  /** Forward the child's output to ours, prefixed with its name. */
  echo?: boolean;
}

/** Starts `node <args>` (this same Node binary) and tracks it so it is killed when we exit. */
export function spawnNode(name: string, options: SpawnOptions): Child {
  const proc = spawn(process.execPath, options.args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start node`);
  const lines: string[] = [];
  let echoed = 0;
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    if (!options.echo || line.startsWith('BENCH_READY ')) return;
    // A server that logs on every request under load would drown the report.
    echoed += 1;
    if (echoed <= ECHO_MAX_LINES) process.stderr.write(`[${name}] ${line}\n`);
    else if (echoed === ECHO_MAX_LINES + 1)
      process.stderr.write(`[${name}] (further output not shown)\n`);
  };
  const reader = (stream: NodeJS.ReadableStream, onLine?: (line: string) => void) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        remember(line);
        onLine?.(line);
        newline = pending.indexOf('\n');
      }
    });
  };
  if (proc.stdout) reader(proc.stdout, options.onLine);
  if (proc.stderr) reader(proc.stderr);

  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const child: Child = {
    name,
    pid: proc.pid,
    process: proc,
    exited,
    tail: () => lines.slice(-15).join('\n'),
    async stop(graceMs = 8_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Stops every child still running (in parallel). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
}

/** Last resort on exit: nothing may outlive the benchmark. */
export function killAllNow(): void {
  for (const child of children) child.process.kill('SIGKILL');
  children.clear();
}

/**
 * Starts one of the benchmark's own servers (`src/servers/*.ts`), which prints
 * `BENCH_READY {json}` once it listens; resolves with that JSON.
 */
export async function spawnServer<T>(
  name: string,
  options: Omit<SpawnOptions, 'onLine'>,
  timeoutMs = 60_000,
): Promise<{ child: Child; ready: T }> {
  let onReady: (payload: T) => void = () => undefined;
  const readyPromise = new Promise<T>((resolve) => {
    onReady = resolve;
  });
  const child = spawnNode(name, {
    ...options,
    onLine: (line) => {
      if (line.startsWith('BENCH_READY ')) onReady(JSON.parse(line.slice(12)) as T);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${timeoutMs} ms\n${child.tail()}`)),
      timeoutMs,
    );
    void child.exited.then((code) =>
      reject(new Error(`${name} exited (${code}) before it was ready\n${child.tail()}`)),
    );
  });
  try {
    const ready = await Promise.race([readyPromise, failure]);
    return { child, ready };
  } catch (error) {
    await child.stop(1_000);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `url` until it answers 2xx; fails early if the child exits. */
export async function waitForHttp(child: Child, url: string, timeoutMs: number): Promise<void> {
  let gone: number | string | undefined;
  void child.exited.then((code) => {
    gone = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) {
      throw new Error(`${child.name} exited (${gone}) before it was ready\n${child.tail()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms\n${child.tail()}`);
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---- /proc readings ---------------------------------------------------------------------------

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process right now. */
export function rssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

/** User + system CPU time the process has used, in milliseconds. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of every PostgreSQL server process on this machine (backends, WAL writer,
 * checkpointer), in milliseconds; `undefined` where /proc cannot be read. Ended backends' time is
 * lost, so compare two readings taken while the API's connections stay open.
 */
export function postgresCpuTimeMs(): number | undefined {
  let total = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let comm: string;
      try {
        comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (comm === 'postgres') total += cpuTimeMs(Number(entry)) ?? 0;
    }
  } catch {
    return undefined;
  }
  return total;
}

/**
 * The machine's CPU time so far, in milliseconds summed over all cores: `busy` (everything but
 * idle and I/O wait) and `total`. Two readings give how saturated the cores were in between.
 */
export function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return {
      busy: ((total - idle) * 1000) / TICKS_PER_SECOND,
      total: (total * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/**
 * Watches the resident memory of some processes during one run: resets each one's high-water
 * mark (`/proc/<pid>/clear_refs`, 5), samples `VmRSS` every 100 ms, and at the end takes the
 * larger of the samples and `VmHWM`. If the reset is refused, `VmHWM` is the peak since start.
 */
export class MemoryWatch {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  readonly resetOk: boolean;

  constructor(private readonly pids: number[]) {
    let resetOk = true;
    for (const pid of pids) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        resetOk = false;
      }
      this.peaks.set(pid, statusField(pid, 'VmRSS') ?? 0);
    }
    this.resetOk = resetOk;
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample() {
    for (const pid of this.pids) {
      const rss = statusField(pid, 'VmRSS') ?? 0;
      if (rss > (this.peaks.get(pid) ?? 0)) this.peaks.set(pid, rss);
    }
  }

  /** Peak bytes per pid. */
  stop(): Map<number, number> {
    clearInterval(this.timer);
    this.sample();
    for (const pid of this.pids) {
      const hwm = statusField(pid, 'VmHWM') ?? 0;
      if (hwm > (this.peaks.get(pid) ?? 0)) this.peaks.set(pid, hwm);
    }
    return new Map(this.peaks);
  }
}

/** Monotonic time in microseconds: the clock V8's CPU profiles use on Linux. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
