import autocannon from 'autocannon';
import type { LoadSample } from './results.ts';

/** One HTTP request of a scenario; `i` counts requests, so callers rotate users with it. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  /** Base URLs; connections are spread over them round-robin. Loopback only. */
  urls: string[];
  connections: number;
  request: (i: number) => RequestSpec;
  /** A 2xx body this returns false for counts as an error (the harness checks it really ran). */
  verifyBody?: (body: string) => boolean;
  /** How many requests one pass over every caller takes; the warm-up sends at least that many. */
  callers?: number;
}

export type LoadRun = LoadSample & {
  /** 2xx responses (whatever the body said). */
  ok: number;
};

function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`the benchmark only sends traffic to loopback, not to ${host}`);
  }
}

/**
 * Drives load with autocannon for `durationS` seconds, or until `amount` responses arrived (then
 * every request sent has been answered, so counts can be compared exactly). Latencies of 2xx
 * responses are recorded individually, so percentiles are exact rather than whole milliseconds.
 */
export async function runLoad(
  spec: LoadSpec,
  limit: { durationS: number } | { amount: number },
): Promise<LoadRun> {
  for (const url of spec.urls) assertLoopback(url);
  let counter = 0;
  const verify = spec.verifyBody;
  const latencies: number[] = [];
  const options: autocannon.Options = {
    // autocannon accepts several URLs and gives connection i the URL i % n (lib/url.js, run.js);
    // @types/autocannon only knows a string.
    url: (spec.urls.length === 1 ? spec.urls[0] : spec.urls) as string,
    connections: spec.connections,
    pipelining: 1,
    timeout: 10,
    ...('amount' in limit ? { amount: limit.amount } : { duration: limit.durationS }),
    requests: [
      {
        setupRequest: (request) => {
          const next = spec.request(counter++);
          return {
            ...request,
            method: next.method,
            path: next.path,
            headers: { ...request.headers, ...next.headers },
            ...(next.body !== undefined ? { body: next.body } : {}),
          };
        },
      },
    ],
    ...(verify
      ? { verifyBody: (body: string | Buffer | undefined) => verify(String(body ?? '')) }
      : {}),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  return {
    latenciesMs: latencies,
    completed: result.requests.total,
    durationS: result.duration,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    badBodies: result.mismatches,
    ok: result['2xx'],
  };
}
