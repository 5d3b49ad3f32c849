/**
 * The ceiling for any middleman on this machine: a bare Fastify route that forwards the same
 * execution to the emulator over a keep-alive connection and hands back its answer. No SDK, no
 * authentication, no database, no audit — only one HTTP hop in and one out, which Switchboard
 * and the bare-SDK baseline also pay. Prints `BENCH_READY {"url"}` once it listens.
 */
import { Agent, request } from 'node:http';
import { TOOL_VERSION } from '@switchboard/composio-emulator';
import Fastify from 'fastify';

const apiKey = process.env.COMPOSIO_API_KEY;
const baseURL = process.env.COMPOSIO_BASE_URL;
if (!apiKey || !baseURL) throw new Error('COMPOSIO_API_KEY and COMPOSIO_BASE_URL are required');
const upstream = new URL(baseURL);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface ExecuteBody {
  userId: string;
  connectedAccountId: string;
  tool: string;
  arguments: Record<string, unknown>;
}

/** POSTs `body` to the emulator's execute endpoint, as the SDK does, and returns its answer. */
function forward(tool: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: 'POST',
        path: `/api/v3.1/tools/execute/${encodeURIComponent(tool)}`,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': apiKey,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const app = Fastify({ logger: false });
app.post<{ Body: ExecuteBody }>('/execute', async (req, reply) => {
  const { userId, connectedAccountId, tool, arguments: args } = req.body;
  const answer = await forward(
    tool,
    JSON.stringify({
      user_id: userId,
      connected_account_id: connectedAccountId,
      arguments: args,
      version: TOOL_VERSION,
    }),
  );
  return reply.code(answer.status).header('content-type', 'application/json').send(answer.text);
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
