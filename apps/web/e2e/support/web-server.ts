import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface WebServer {
  /** `http://127.0.0.1:<port>`: the API's WEB_ORIGIN. */
  origin: string;
  /** Where `/trpc` and `/audit/export` go; set once the API listens (it needs this origin first). */
  setApiUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * What a production deployment does in front of the bundle: serves `dist` (any unknown path gets
 * index.html, for the client-side routes) and forwards `/trpc` and `/audit/export` to the API,
 * so the browser sees one origin.
 */
export async function startWebServer(dist: string): Promise<WebServer> {
  let api: URL | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const toApi =
      url.pathname === '/trpc' ||
      url.pathname.startsWith('/trpc/') ||
      url.pathname === '/audit/export';
    if (toApi) {
      if (!api) {
        res.writeHead(503).end('API not started');
        return;
      }
      const upstream = request(
        {
          host: api.hostname,
          port: api.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: api.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
      return;
    }
    void (async () => {
      const wanted = normalize(join(dist, decodeURIComponent(url.pathname)));
      const inside = wanted.startsWith(dist.endsWith(sep) ? dist : `${dist}${sep}`);
      let file = inside && extname(wanted) ? wanted : join(dist, 'index.html');
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        file = join(dist, 'index.html');
        body = await readFile(file);
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setApiUrl(url) {
      api = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
