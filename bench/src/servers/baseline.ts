/**
 * The baseline: the pattern Composio's guide shows, a bare Fastify route that calls
 * `@composio/core`'s `tools.execute` with the caller's user id and connected account, with no
 * identity, policy, routing or audit. It runs against the same emulator as Switchboard.
 * Prints `BENCH_READY {"url"}` once it listens.
 */
import { Composio } from '@composio/core';
import Fastify from 'fastify';

const apiKey = process.env.COMPOSIO_API_KEY;
const baseURL = process.env.COMPOSIO_BASE_URL;
if (!apiKey || !baseURL) throw new Error('COMPOSIO_API_KEY and COMPOSIO_BASE_URL are required');

// Quiet construction: no telemetry, no npm version check (TELEMETRY_DISABLED=true is set too).
const composio = new Composio({ apiKey, baseURL, allowTracking: false, disableVersionCheck: true });

interface ExecuteBody {
  userId: string;
  connectedAccountId: string;
  tool: string;
  arguments: Record<string, unknown>;
}

const app = Fastify({ logger: false });
app.post<{ Body: ExecuteBody }>('/execute', async (request) => {
  const { userId, connectedAccountId, tool, arguments: args } = request.body;
  return composio.tools.execute(tool, {
    userId,
    connectedAccountId,
    arguments: args,
    dangerouslySkipVersionCheck: true,
  });
});

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
console.log(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
