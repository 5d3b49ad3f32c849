import http from 'node:http';
import https from 'node:https';

type Fetch = typeof globalThis.fetch;

/** Statuses whose responses have no body (a `Response` refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!init) return headers;
  for (const [name, value] of new Headers(init)) headers[name] = value;
  return headers;
}

export interface NodeFetchOptions {
  /** Sockets per origin at most (requests beyond wait for one). */
  maxSockets?: number;
}

/**
 * A `fetch` for the SDK's client over `node:http`/`node:https` with keep-alive agents. The SDK
 * sends JSON text and reads JSON back; Node's built-in fetch spends about twice the CPU per call
 * on WHATWG streams it does not need (measured in `pnpm bench`). Requests it does not handle
 * (streamed or binary bodies, non-http URLs) go to the built-in fetch unchanged.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): Fetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : null;
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      (body !== undefined && body !== null && typeof body !== 'string')
    ) {
      return globalThis.fetch(input, init);
    }
    const request = url.protocol === 'https:' ? https.request : http.request;
    const agent = agents[url.protocol];
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: plainHeaders(init.headers),
          agent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const headers = new Headers();
            const raw = res.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) {
              headers.append(raw[i] as string, raw[i + 1] as string);
            }
            const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
            // A view of the same bytes, typed as every lib's BodyInit accepts (DOM's as well).
            const body = new Uint8Array(
              bytes.buffer as ArrayBuffer,
              bytes.byteOffset,
              bytes.length,
            );
            try {
              resolve(
                new Response(NULL_BODY_STATUSES.has(status) ? null : body, {
                  status,
                  statusText: res.statusMessage ?? '',
                  headers,
                }),
              );
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  };

  return nodeFetch as Fetch;
}
