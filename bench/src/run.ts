/**
 * `pnpm bench`: starts the Composio emulator, a bare-SDK baseline server and Switchboard's API as
 * separate processes on loopback, seeds 1,000 users, 100 organizations and 5,000 connected
 * accounts, drives each scenario with autocannon at a fixed concurrency and prints (and writes to
 * `bench/results/latest.json`) throughput, latency, errors, peak memory and the ratio to the
 * baseline. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type BenchDatabase, createBenchDatabase } from './database.ts';
import { type Entry, entryFor, staleDist } from './entry.ts';
import { type LoadRun, type LoadSpec, runLoad } from './load.ts';
import { type BenchOptions, readOptions, TUNED_ENV } from './options.ts';
import {
  type Child,
  cpuTimeMs,
  freePort,
  killAllNow,
  MemoryWatch,
  machineCpuMs,
  monotonicMicros,
  postgresCpuTimeMs,
  REPO_ROOT,
  rssBytes,
  spawnNode,
  spawnServer,
  stopAll,
  tsxArgs,
  waitForHttp,
} from './processes.ts';
import { formatSummary, readProfile, summarizeWindow, type WindowSummary } from './profile.ts';
import {
  type BenchReport,
  checkTargets,
  combineRounds,
  EXECUTING_SCENARIOS,
  formatReport,
  formatTable,
  type LoadStats,
  loadStats,
  median,
  PLAIN_SCENARIOS,
  type RoundResult,
  round,
  type ScenarioName,
  toScenarioResult,
} from './results.ts';
import {
  baselineRequest,
  connectionsListRequest,
  executedOk,
  executeIdempotentRequest,
  executeRequest,
  mcpCallRequest,
  meRequest,
  mintTokens,
  type Rotation,
  toolsListRequest,
} from './scenarios.ts';
import {
  benchUsers,
  ORGS,
  planWorld,
  seedDatabase,
  seedEmulator,
  subscribeEverything,
  USERS,
} from './world.ts';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const log = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settings of the API and the layers server that the run does not vary. */
function childEnv(extra: Record<string, string>, tuned = true): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the caller's shell may point an instance at another database, Redis or Composio.
  for (const key of Object.keys(env)) {
    if (
      /^(DATABASE_URL|DATA_DIR|REDIS_URL|PORT|HOST|PUBLIC_URL|NODE_OPTIONS|SEED_DEMO)$/.test(key) ||
      /^(AUTH_|COMPOSIO_|RATE_LIMIT_|EMULATOR_|OTEL_)/.test(key)
    ) {
      delete env[key];
    }
  }
  return { ...env, ...(tuned ? TUNED_ENV : {}), TELEMETRY_DISABLED: 'true', ...extra };
}

interface Measured {
  stats: LoadStats;
  run: LoadRun;
  peakRssBytes: number;
  /** Peak per process, by name. */
  peaks: Record<string, number>;
  serverCpuUsPerRequest: number;
  emulatorCpuUsPerRequest: number;
  /** PostgreSQL's server processes (all of them on this machine); absent on PGlite. */
  databaseCpuUsPerRequest: number | undefined;
  /** CPU this process (autocannon, which drives the load) used per request. */
  loadCpuUsPerRequest: number;
  /** Share of all cores' time spent busy during the run, in percent. */
  machineBusyPercent: number | undefined;
  window: { fromUs: number; toUs: number };
  warmup: LoadRun;
  /** 2xx answers before the measured run: the warm-up's, and those of every caller's first request. */
  warmupOk: number;
}

interface MeasureHooks {
  /** A fixed number of requests instead of a duration, chosen after the warm-up. */
  limit?: (warmup: LoadRun) => { amount: number };
  /** Runs after the warm-up has settled, right before the measured run. */
  beforeRun?: () => Promise<void>;
}

interface Probe {
  status: number;
  body: string;
}

async function probe(url: string, spec: LoadSpec): Promise<Probe> {
  const request = spec.request(0);
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return { status: response.status, body: await response.text() };
}

class Bench {
  readonly report: BenchReport;
  readonly extra: Partial<Record<ScenarioName, Record<string, string>>> = {};
  readonly rounds: Partial<
    Record<
      ScenarioName,
      Array<
        RoundResult & {
          serverCpu: number;
          emulatorCpu: number;
          databaseCpu: number | undefined;
          loadCpu: number;
          machineBusy: number | undefined;
        }
      >
    >
  > = {};
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  readonly windows: Partial<
    Record<ScenarioName, { fromUs: number; toUs: number; requests: number }>
  > = {};
  /** Successful executions Switchboard answered (probes, warm-ups, measured runs). */
  executionsAnswered = 0;
  /** Requests of execute runs that may have reached the API without being counted (cut-offs). */
  executionsUncounted = 0;

  constructor(
    readonly options: BenchOptions,
    database: BenchDatabase['kind'],
  ) {
    this.report = {
      at: new Date().toISOString(),
      node: process.version,
      database,
      concurrency: options.concurrency,
      scenarios: {},
    };
  }

  /**
   * One scenario: check that a single request does what it should, warm up, then measure while
   * watching the server processes' memory and CPU.
   */
  async measure(
    name: ScenarioName,
    spec: LoadSpec,
    servers: Child[],
    emulator: Child,
    hooks: MeasureHooks = {},
  ): Promise<Measured> {
    for (const url of spec.urls) {
      const check = await probe(url, spec);
      const ok =
        check.status >= 200 && check.status < 300 && (spec.verifyBody?.(check.body) ?? true);
      if (!ok) {
        throw new Error(
          `${name}: the probe request to ${url} failed (${check.status}): ${check.body.slice(0, 500)}`,
        );
      }
      if (spec.verifyBody) this.countProbe(name);
      log(
        `  ${name}: probe ${check.status} (${Buffer.byteLength(check.body)} bytes) ${check.body.slice(0, 140)}${check.body.length > 140 ? '…' : ''}`,
      );
    }
    const warmup = await runLoad(spec, { durationS: this.options.warmupS });
    let warmupOk = warmup.ok;
    // A caller's first request costs more than the next ones (the first listing of a scope waits
    // for Composio's statuses; a token is verified once), so no caller is new to the measured run.
    if (spec.callers !== undefined && warmup.completed < spec.callers) {
      warmupOk += (await runLoad(spec, { amount: spec.callers })).ok;
    }
    // Requests cut off at the end of the warm-up may still be running on the server.
    await sleep(500);
    await hooks.beforeRun?.();

    const pids = [...servers.map((s) => s.pid), emulator.pid];
    const memory = new MemoryWatch(servers.map((s) => s.pid));
    const cpuBefore = pids.map((pid) => cpuTimeMs(pid) ?? 0);
    const databaseBefore = this.report.database === 'postgres' ? postgresCpuTimeMs() : undefined;
    const machineBefore = machineCpuMs();
    const loadBefore = process.cpuUsage();
    const fromUs = monotonicMicros();
    const run = await runLoad(spec, hooks.limit?.(warmup) ?? { durationS: this.options.durationS });
    const toUs = monotonicMicros();
    const load = process.cpuUsage(loadBefore);
    const machineAfter = machineCpuMs();
    const cpuAfter = pids.map((pid) => cpuTimeMs(pid) ?? 0);
    const databaseAfter = databaseBefore === undefined ? undefined : postgresCpuTimeMs();
    const peaks = memory.stop();
    if (!memory.resetOk) {
      this.note(
        'VmHWM could not be reset (/proc/<pid>/clear_refs); peak RSS is since process start',
      );
    }

    const cpuUs = (index: number) => ((cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0)) * 1000;
    const serverCpu = servers.reduce((sum, _, index) => sum + cpuUs(index), 0);
    const requests = Math.max(1, run.completed);
    const peakBy: Record<string, number> = {};
    for (const server of servers) peakBy[server.name] = peaks.get(server.pid) ?? 0;
    const stats = loadStats(run);
    return {
      stats,
      run,
      warmup,
      warmupOk,
      peakRssBytes: Math.max(0, ...Object.values(peakBy)),
      peaks: peakBy,
      serverCpuUsPerRequest: serverCpu / requests,
      emulatorCpuUsPerRequest: cpuUs(servers.length) / requests,
      databaseCpuUsPerRequest:
        databaseBefore === undefined || databaseAfter === undefined
          ? undefined
          : Math.max(0, ((databaseAfter - databaseBefore) * 1000) / requests),
      loadCpuUsPerRequest: (load.user + load.system) / requests,
      machineBusyPercent:
        machineBefore && machineAfter && machineAfter.total > machineBefore.total
          ? (100 * (machineAfter.busy - machineBefore.busy)) /
            (machineAfter.total - machineBefore.total)
          : undefined,
      window: { fromUs, toUs },
    };
  }

  private countProbe(name: ScenarioName) {
    if (writesAudit(name)) this.executionsAnswered += 1;
  }

  /**
   * One round of one scenario. `baselineRps` is the baseline measured in the same round; the
   * report holds the rounds combined so far (see `combineRounds`).
   */
  record(
    name: ScenarioName,
    measured: Measured,
    baselineRps: number | undefined,
    limitRps?: number | undefined,
  ) {
    const result = toScenarioResult(measured.stats, measured.peakRssBytes, baselineRps);
    const rounds = this.rounds[name] ?? [];
    rounds.push({
      stats: measured.stats,
      peakRssBytes: measured.peakRssBytes,
      baselineRps,
      limitRps: EXECUTING_SCENARIOS.includes(name) ? limitRps : undefined,
      serverCpu: measured.serverCpuUsPerRequest,
      emulatorCpu: measured.emulatorCpuUsPerRequest,
      databaseCpu: measured.databaseCpuUsPerRequest,
      loadCpu: measured.loadCpuUsPerRequest,
      machineBusy: measured.machineBusyPercent,
    });
    this.rounds[name] = rounds;
    this.report.scenarios[name] = combineRounds(rounds);
    this.extra[name] = {
      'server CPU µs/req': median(rounds.map((r) => r.serverCpu)).toFixed(0),
      'emulator CPU µs/req': median(rounds.map((r) => r.emulatorCpu)).toFixed(0),
    };
    const databaseCpu = rounds.flatMap((r) => (r.databaseCpu === undefined ? [] : [r.databaseCpu]));
    if (databaseCpu.length > 0) {
      this.extra[name]['PostgreSQL CPU µs/req'] = median(databaseCpu).toFixed(0);
    }
    this.extra[name]['load generator CPU µs/req'] = median(rounds.map((r) => r.loadCpu)).toFixed(0);
    const busy = rounds.flatMap((r) => (r.machineBusy === undefined ? [] : [r.machineBusy]));
    if (busy.length > 0) this.extra[name]['cores busy %'] = median(busy).toFixed(0);
    this.windows[name] = { ...measured.window, requests: measured.run.completed };
    if (writesAudit(name)) {
      this.executionsAnswered += measured.warmupOk + measured.run.ok;
      // A duration-bound run stops with up to `connections` requests in flight, unanswered.
      this.executionsUncounted += this.options.concurrency * (name === 'two-instances' ? 1 : 2);
    }
    const { run } = measured;
    log(
      `  ${name}: ${result.rps} req/s (${result.ratioToBaseline}× this round's baseline), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `${result.errors} errors (non-2xx ${run.non2xx}, socket ${run.socketErrors}, bad body ${run.badBodies}), ` +
        `peak RSS ${Object.entries(measured.peaks)
          .map(([server, bytes]) => `${server} ${round(bytes / 1048576, 1)} MB`)
          .join(', ')}`,
    );
    if (result.errors > 0) this.failures.push(`${name}: ${result.errors} errors`);
  }

  note(text: string) {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
}

/** Scenarios that run tools through Switchboard, each execution leaving an audit row. */
function writesAudit(name: ScenarioName): boolean {
  return EXECUTING_SCENARIOS.includes(name);
}

async function startApi(
  name: string,
  options: BenchOptions,
  entry: Entry,
  env: Record<string, string>,
  profileDir: string | undefined,
  tuned = true,
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const profile = profileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${profileDir}`,
        `--cpu-prof-name=${name}.cpuprofile`,
        '--cpu-prof-interval=250',
      ]
    : [];
  const child = spawnNode(name, {
    args: [...(tuned ? options.apiNodeFlags : []), ...profile, ...entry.api],
    env: childEnv({ ...env, PORT: String(port) }, tuned),
    echo: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/healthz`, 120_000);
  return { child, url };
}

async function countAudit(database: BenchDatabase) {
  return database.use(async (db) => {
    const row = await sql<{ rows: string; distinct_ids: string; successes: string }>`
      select count(*)::text as rows,
             count(distinct execution_id)::text as distinct_ids,
             count(*) filter (where outcome = 'success')::text as successes
      from tool_executions`.execute(db);
    const first = row.rows[0];
    return {
      rows: Number(first?.rows ?? 0),
      distinct: Number(first?.distinct_ids ?? 0),
      successes: Number(first?.successes ?? 0),
    };
  });
}

interface LayerResult {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuUsPerRequest: number;
}

/** The tRPC HTTP layer vs plain Fastify routes, in one process (see servers/layers.ts). */
async function measureLayers(
  options: BenchOptions,
  entry: Entry,
  env: Record<string, string>,
): Promise<LayerResult[]> {
  const { child, ready } = await spawnServer<{ api: string; bare: string }>('layers', {
    args: [
      ...options.apiNodeFlags,
      ...entry.loader,
      join(REPO_ROOT, 'bench/src/servers/layers.ts'),
    ],
    env: childEnv(env),
    echo: true,
  });
  const durationS = Math.max(3, options.durationS / 2);
  const cases: Array<{ name: string; url: string; path: string }> = [
    { name: 'api app: GET /healthz (plain Fastify route)', url: ready.api, path: '/healthz' },
    { name: 'api app: tRPC query, no input', url: ready.api, path: '/layer-trpc/ping' },
    {
      name: 'api app: tRPC query + middleware + zod in/out',
      url: ready.api,
      path: `/layer-trpc/pingChecked?input=${encodeURIComponent('{}')}`,
    },
    {
      name: "api app: the API's direct route, no input",
      url: ready.api,
      path: '/layer-direct/ping',
    },
    {
      name: "api app: the API's direct route + middleware + zod",
      url: ready.api,
      path: `/layer-direct/pingChecked?input=${encodeURIComponent('{}')}`,
    },
    { name: 'bare Fastify: GET /plain', url: ready.bare, path: '/plain' },
    { name: 'bare Fastify: tRPC query, no input', url: ready.bare, path: '/trpc/ping' },
  ];
  const results: LayerResult[] = [];
  try {
    for (const c of cases) {
      const spec: LoadSpec = {
        urls: [c.url],
        connections: options.concurrency,
        request: () => ({ method: 'GET', path: c.path, headers: {} }),
      };
      const check = await probe(c.url, spec);
      if (check.status !== 200) throw new Error(`layers ${c.path}: ${check.status} ${check.body}`);
      await runLoad(spec, { durationS: Math.min(options.warmupS, 2) });
      const before = cpuTimeMs(child.pid) ?? 0;
      const run = await runLoad(spec, { durationS });
      const after = cpuTimeMs(child.pid) ?? 0;
      const stats = loadStats(run);
      results.push({
        name: c.name,
        ...stats,
        cpuUsPerRequest: round(((after - before) * 1000) / Math.max(1, run.completed), 0),
      });
    }
  } finally {
    await child.stop();
  }
  return results;
}

async function main(): Promise<number> {
  const options = readOptions();
  const startedAt = Date.now();
  const stale = options.apiEntry === 'source' ? undefined : staleDist();
  if (options.apiEntry === 'dist' && stale) {
    throw new Error(`BENCH_API_ENTRY=dist, but ${stale}: run pnpm build (pnpm bench does)`);
  }
  const entry = entryFor(options.apiEntry === 'source' || stale ? 'source' : 'dist');
  log('Switchboard benchmark');
  log(
    `  node ${process.version}, concurrency ${options.concurrency}, ${options.rounds} round(s) of ${options.durationS} s per scenario ` +
      `after ${options.warmupS} s of warm-up, API from ${entry.kind === 'dist' ? 'dist (built JavaScript)' : `source through tsx${stale ? ` (${stale})` : ''}`}` +
      `${options.apiNodeFlags.length > 0 ? `, API node flags ${options.apiNodeFlags.join(' ')}` : ''}` +
      `${Object.entries(TUNED_ENV)
        .map(([name, value]) => `, ${name}=${value}`)
        .join('')}` +
      `${options.redisUrl ? ', Redis shared by the instances' : ''}${options.profile ? ', CPU profiling ON (numbers are slower)' : ''}${options.tracing ? ', tracing ON' : ''}`,
  );

  const database = await createBenchDatabase(options.databaseUrl);
  cleanups.push(() => database.destroy());
  log(
    `  database: ${database.kind === 'postgres' ? 'PostgreSQL (a fresh database of its own, dropped at the end)' : 'PGlite (a temporary data folder)'}`,
  );
  const bench = new Bench(options, database.kind);

  const emulator = await spawnServer<{ url: string; apiKey: string }>('emulator', {
    args: [...tsxArgs(), join(REPO_ROOT, 'bench/src/servers/emulator.ts')],
    env: childEnv({}),
    echo: true,
  });

  const world = planWorld();
  const seedStart = Date.now();
  const seeded = await seedEmulator(emulator.ready.url, world.accounts);
  await database.use((db) => seedDatabase(db, world, seeded));
  let webhooksReceived = 0;
  if (options.webhooks) {
    // A receiver in this process, answering 204 to whatever the API's workers deliver.
    const receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        webhooksReceived += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => receiver.close(() => resolve(undefined))));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const subscribed = await database.use((db) =>
      subscribeEverything(db, world, `http://127.0.0.1:${port}/hook`),
    );
    log(`  webhooks: ${subscribed} endpoints subscribed to every event (receiver on :${port})`);
  }
  const traces = { requests: 0, bytes: 0 };
  let tracingEnv: Record<string, string> = {};
  if (options.tracing) {
    // An OTLP/HTTP receiver in this process: the API pays for making, batching, encoding and
    // sending its spans, and the receiver drops them (an empty protobuf answer is a success).
    const receiver = createHttpServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        traces.bytes += chunk.length;
      });
      req.on('end', () => {
        traces.requests += 1;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => receiver.close(() => resolve(undefined))));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    tracingEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    log(`  tracing: ON, spans exported over OTLP/HTTP to a receiver in this process (:${port})`);
  }
  const users = benchUsers(world, seeded);
  log(
    `  seeded ${USERS} users, ${ORGS} organizations (${world.memberships.length} memberships), ` +
      `${seeded.length} connected accounts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  const secret = randomBytes(32).toString('hex');
  const rotation: Rotation = { users, tokens: await mintTokens(users, secret) };
  const apiEnv: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: secret,
    COMPOSIO_API_KEY: emulator.ready.apiKey,
    COMPOSIO_BASE_URL: emulator.ready.url,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_USER_PER_MINUTE: '10000000',
    RATE_LIMIT_ORG_PER_MINUTE: '10000000',
    ...database.apiEnv,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...tracingEnv,
  };

  // The baseline runs the way the API does (plain Node, or tsx), so neither pays for a loader alone.
  const baseline = await spawnServer<{ url: string }>('baseline', {
    args: [...entry.loader, join(REPO_ROOT, 'bench/src/servers/baseline.ts')],
    env: childEnv({
      COMPOSIO_API_KEY: emulator.ready.apiKey,
      COMPOSIO_BASE_URL: emulator.ready.url,
    }),
    echo: true,
  });
  // The ceiling for any middleman: one forwarding hop, nothing else (servers/limit.ts).
  const limit = await spawnServer<{ url: string }>('limit', {
    args: [...entry.loader, join(REPO_ROOT, 'bench/src/servers/limit.ts')],
    env: childEnv({
      COMPOSIO_API_KEY: emulator.ready.apiKey,
      COMPOSIO_BASE_URL: emulator.ready.url,
    }),
    echo: true,
  });
  const profileDir = options.profile ? join(RESULTS_DIR, 'profiles') : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const apiA = await startApi('api-a', options, entry, apiEnv, profileDir);
  // The API as `pnpm start` runs it, without the process settings, to show what they buy.
  const wantsPlain = PLAIN_SCENARIOS.some((name) => options.scenarios.includes(name));
  const apiPlain = wantsPlain
    ? await startApi('api-plain', options, entry, apiEnv, undefined, false)
    : undefined;
  log(
    `  emulator ${emulator.ready.url}, baseline ${baseline.ready.url}, limit ${limit.ready.url}, api-a ${apiA.url}` +
      `${apiPlain ? `, api-plain ${apiPlain.url} (no process settings)` : ''}`,
  );
  log(
    `  RSS after start: ${[
      emulator.child,
      baseline.child,
      limit.child,
      apiA.child,
      ...(apiPlain ? [apiPlain.child] : []),
    ]
      .map((child) => `${child.name} ${round((rssBytes(child.pid) ?? 0) / 1048576, 1)} MB`)
      .join(', ')}; load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  log();

  const c = options.concurrency;
  let roundBaselineRps: number | undefined;
  let roundLimitRps: number | undefined;
  const run = async (
    name: ScenarioName,
    spec: Omit<LoadSpec, 'connections'>,
    servers: Child[],
    round: number,
  ) => {
    if (!options.scenarios.includes(name)) return undefined;
    log(`▶ ${name}${options.rounds > 1 ? ` (round ${round + 1} of ${options.rounds})` : ''}`);
    const measured = await bench.measure(
      name,
      { ...spec, connections: c, callers: rotation.users.length },
      servers,
      emulator.child,
    );
    if (name === 'baseline') roundBaselineRps = measured.stats.rps;
    if (name === 'limit') roundLimitRps = measured.stats.rps;
    bench.record(name, measured, roundBaselineRps, roundLimitRps);
    return measured;
  };

  // Rounds of every scenario in turn, so each is measured beside a baseline of its own round.
  for (let round = 0; round < options.rounds; round++) {
    await run(
      'baseline',
      { urls: [baseline.ready.url], request: baselineRequest(rotation), verifyBody: executedOk },
      [baseline.child],
      round,
    );
    await run(
      'limit',
      { urls: [limit.ready.url], request: baselineRequest(rotation), verifyBody: executedOk },
      [limit.child],
      round,
    );
    const auditBefore = database.sharedAccess ? await countAudit(database) : undefined;
    await run(
      'tools.execute',
      { urls: [apiA.url], request: executeRequest(rotation), verifyBody: executedOk },
      [apiA.child],
      round,
    );
    if (auditBefore && options.scenarios.includes('tools.execute')) {
      await sleep(500);
      const after = await countAudit(database);
      log(`  tools.execute: ${after.rows - auditBefore.rows} audit rows written`);
    }
    await run(
      'tools.execute.idempotent',
      { urls: [apiA.url], request: executeIdempotentRequest(rotation), verifyBody: executedOk },
      [apiA.child],
      round,
    );
    await run(
      'mcp.tools.call',
      { urls: [apiA.url], request: mcpCallRequest(rotation), verifyBody: executedOk },
      [apiA.child],
      round,
    );
    await run(
      'connections.list',
      {
        urls: [apiA.url],
        request: connectionsListRequest(rotation),
        verifyBody: (b) => b.includes('"connectedAt"'),
      },
      [apiA.child],
      round,
    );
    await run(
      'tools.list',
      {
        urls: [apiA.url],
        request: toolsListRequest(rotation),
        verifyBody: (b) => b.includes('GITHUB_LIST_REPOS'),
      },
      [apiA.child],
      round,
    );
    await run(
      'me.get',
      { urls: [apiA.url], request: meRequest(rotation), verifyBody: (b) => b.includes('"orgs"') },
      [apiA.child],
      round,
    );
    if (apiPlain) {
      await run(
        'plain.tools.execute',
        { urls: [apiPlain.url], request: executeRequest(rotation), verifyBody: executedOk },
        [apiPlain.child],
        round,
      );
      await run(
        'plain.connections.list',
        {
          urls: [apiPlain.url],
          request: connectionsListRequest(rotation),
          verifyBody: (b) => b.includes('"connectedAt"'),
        },
        [apiPlain.child],
        round,
      );
    }
  }

  if (options.scenarios.includes('two-instances')) {
    if (!database.sharedAccess) {
      bench.note(
        'two-instances skipped: PGlite is single-process; set DATABASE_URL to run two API instances on one PostgreSQL',
      );
      log('▶ two-instances: skipped (PGlite is single-process; set DATABASE_URL to run it)');
    } else {
      const apiB = await startApi('api-b', options, entry, apiEnv, undefined);
      log(`▶ two-instances (api-a ${apiA.url} + api-b ${apiB.url}, connections alternate)`);
      const spec: LoadSpec = {
        urls: [apiA.url, apiB.url],
        connections: c,
        callers: rotation.users.length,
        request: executeRequest(rotation),
        verifyBody: executedOk,
      };
      // After the warm-up, a fixed number of requests: every request sent is answered, so the
      // audit rows written meanwhile must match the successful responses exactly.
      let before = { rows: 0, distinct: 0, successes: 0 };
      const measured = await bench.measure(
        'two-instances',
        spec,
        [apiA.child, apiB.child],
        emulator.child,
        {
          limit: (warmup) => ({
            amount: Math.max(
              c * 20,
              Math.round((warmup.completed / Math.max(0.1, warmup.durationS)) * options.durationS),
            ),
          }),
          beforeRun: async () => {
            before = await countAudit(database);
          },
        },
      );
      bench.record(
        'two-instances',
        measured,
        bench.report.scenarios.baseline?.rps,
        bench.report.scenarios.limit?.rps,
      );
      const after = await countAudit(database);
      const written = after.rows - before.rows;
      const successes = after.successes - before.successes;
      const duplicates = after.rows - after.distinct;
      log(
        `  two-instances: ${measured.run.ok} successful responses, ${written} audit rows written ` +
          `(${successes} successes), ${duplicates} duplicate execution ids`,
      );
      if (written !== measured.run.ok || successes !== measured.run.ok) {
        bench.failures.push(
          `two-instances: ${written} audit rows (${successes} successes) for ${measured.run.ok} successful executions`,
        );
      }
      if (duplicates !== 0)
        bench.failures.push(`two-instances: ${duplicates} duplicate execution ids`);
      await sleep(500);
      await apiB.child.stop();
    }
  }
  log();

  if (options.webhooks) log(`webhooks: ${webhooksReceived} deliveries received during the run`);
  if (options.tracing) {
    log(`tracing: ${traces.requests} OTLP exports received, ${(traces.bytes / 1e6).toFixed(1)} MB`);
  }
  // The API's audit log against what it answered: every success is audited, nothing twice.
  // Requests cut off at the end of the last run finish first (shutdown does not wait for them).
  await sleep(500);
  await apiA.child.stop();
  await apiPlain?.child.stop();
  const audit = await countAudit(database);
  if (bench.executionsAnswered > 0) {
    const low = bench.executionsAnswered;
    const high = bench.executionsAnswered + bench.executionsUncounted;
    log(
      `audit check: ${audit.rows} tool_executions rows (${audit.successes} successes, ${audit.rows - audit.distinct} duplicate ids) ` +
        `for ${low} successful executions answered (+ at most ${bench.executionsUncounted} cut off at the end of runs)`,
    );
    if (audit.successes < low || audit.successes > high || audit.rows !== audit.distinct) {
      bench.failures.push(`audit check failed: ${audit.successes} successes for ${low}..${high}`);
    }
  }

  // Profile: where the API's CPU went in each measured window.
  const summaries: Record<string, WindowSummary> = {};
  if (profileDir) {
    const profile = await readProfile(join(profileDir, 'api-a.cpuprofile'));
    for (const [name, window] of Object.entries(bench.windows)) {
      if (name === 'baseline' || name === 'two-instances' || !window) continue;
      const summary = summarizeWindow(profile, window.fromUs, window.toUs, window.requests);
      summaries[name] = summary;
      log(formatSummary(`CPU profile of api-a during ${name}`, summary));
      log();
    }
    await writeFile(
      join(RESULTS_DIR, 'profile-summary.json'),
      `${JSON.stringify(summaries, null, 2)}\n`,
    );
  }

  let layers: LayerResult[] = [];
  if (options.trpcLayer) {
    log(
      '▶ tRPC HTTP layer (one process: the API app with extra no-op procedures, and a bare Fastify)',
    );
    const layerEnv = { ...apiEnv };
    let layerDir: string | undefined;
    if (database.kind === 'pglite') {
      // The layers server needs a database to build the app; PGlite allows one process per folder.
      layerDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-layers-'));
      layerEnv.DATA_DIR = layerDir;
    }
    try {
      layers = await measureLayers(options, entry, layerEnv);
    } finally {
      if (layerDir) await rm(layerDir, { recursive: true, force: true });
    }
    log(
      formatTable(
        ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req'],
        layers.map((l) => [
          l.name,
          l.rps.toFixed(1),
          l.p50Ms.toFixed(2),
          l.p99Ms.toFixed(2),
          l.errors,
          l.cpuUsPerRequest,
        ]),
      ),
    );
    const [healthz, ping, checked, direct, directChecked, plain, barePing] = layers;
    if (healthz && ping && checked && direct && directChecked && plain && barePing) {
      const over = (l: LayerResult) => l.cpuUsPerRequest - healthz.cpuUsPerRequest;
      log(
        `  tRPC's Fastify adapter adds ${over(ping)} µs of CPU per request over a plain route in the API's setup ` +
          `(${over(checked)} µs with a middleware and zod input/output), ` +
          `${barePing.cpuUsPerRequest - plain.cpuUsPerRequest} µs on a bare Fastify; the API's plugins and hooks add ` +
          `${healthz.cpuUsPerRequest - plain.cpuUsPerRequest} µs to a plain route.`,
      );
      log(
        `  The API's direct route adds ${over(direct)} µs (${over(directChecked)} µs with a middleware and zod): ` +
          `${ping.cpuUsPerRequest - direct.cpuUsPerRequest} µs less per call than the adapter.`,
      );
    }
    for (const l of layers)
      if (l.errors > 0) bench.failures.push(`layers ${l.name}: ${l.errors} errors`);
    log();
  }

  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  log(
    `Results (concurrency ${options.concurrency}, ${database.kind}, node ${process.version}, API from ${entry.kind}; load average now ${load})`,
  );
  log(formatReport(bench.report, bench.extra));
  log();
  for (const check of checkTargets(bench.report)) {
    log(`  ${check.met ? 'met   ' : 'MISSED'}  ${check.target}: ${check.actual}`);
  }
  for (const text of bench.notes) log(`  note: ${text}`);

  await mkdir(RESULTS_DIR, { recursive: true });
  // Profiled and traced runs measure something else: they do not replace latest.json.
  const variant = options.profile ? '.profiled' : options.tracing ? '.traced' : '';
  const file = `latest${variant}.json`;
  await writeFile(join(RESULTS_DIR, file), `${JSON.stringify(bench.report, null, 2)}\n`);
  await writeFile(
    join(RESULTS_DIR, `details${variant}.json`),
    `${JSON.stringify({ report: bench.report, perRequestCpu: bench.extra, layers, notes: bench.notes, failures: bench.failures }, null, 2)}\n`,
  );
  log(`  wrote bench/results/${file} (${((Date.now() - startedAt) / 1000).toFixed(0)} s in all)`);

  if (bench.failures.length > 0) {
    log();
    for (const failure of bench.failures) log(`FAILED: ${failure}`);
    return 1;
  }
  return 0;
}

const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  })();
  return cleaning;
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark's processes\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await cleanup();
    process.exit(1);
  });
