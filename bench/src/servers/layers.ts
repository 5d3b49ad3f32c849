/**
 * The tRPC HTTP layer, measured apart from any work a procedure does. Two servers in this one
 * process, so both share a Node and a JIT:
 *
 * - `api`: Switchboard's real app (`buildApp`: its logger, helmet, CORS, request ids, hooks), with
 *   procedures that do nothing served twice: under `/layer-trpc` by tRPC's own Fastify adapter,
 *   under `/layer-direct` by the route the API serves its procedures with (`registerTrpcRoute`).
 *   `GET /healthz` is its plain Fastify route, so `/layer-trpc/ping` minus `/healthz` is what
 *   tRPC's adapter adds in the API's own setup, and `/layer-direct/ping` minus `/healthz` what the
 *   API's route adds.
 * - `bare`: `Fastify()` with no plugins: `GET /plain` and the same tRPC router under `/trpc`.
 *
 * Configured from the same environment as the API. Prints `BENCH_READY {"api","bare"}`.
 */
import { buildApp, createRuntime, loadConfig, registerTrpcRoute } from '@switchboard/api/server';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';

const t = initTRPC.create();
const passThrough = t.middleware(({ next }) => next());
const layerRouter = t.router({
  /** Nothing at all: the cost of tRPC's request → procedure → response path. */
  ping: t.procedure.query(() => ({ status: 'ok' })),
  /** Shaped like the API's procedures: a middleware, a zod input and a zod output. */
  pingChecked: t.procedure
    .use(passThrough)
    .input(z.object({}).strict().optional())
    .output(z.object({ status: z.string() }))
    .query(() => ({ status: 'ok' })),
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://127.0.0.1:${port}`;
}

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
const runtime = await createRuntime(loadConfig(), { logger: silent });
const api = await buildApp(runtime.deps);
await api.register(fastifyTRPCPlugin, {
  prefix: '/layer-trpc',
  trpcOptions: { router: layerRouter },
});
registerTrpcRoute(api, '/layer-direct', { router: layerRouter });
await api.after();

const bare = Fastify({ logger: false });
bare.get('/plain', async () => ({ status: 'ok' }));
await bare.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router: layerRouter } });

const urls = { api: await listen(api), bare: await listen(bare) };
console.log(`BENCH_READY ${JSON.stringify(urls)}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    Promise.all([api.close(), bare.close()])
      .then(() => runtime.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
