import {
  type AnyProcedure,
  type AnyRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import {
  type FastifyTRPCPluginOptions,
  fastifyRequestHandler,
} from '@trpc/server/adapters/fastify';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions<TRouter extends AnyRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];

interface Call {
  path: string;
  procedure: AnyProcedure;
  input: unknown;
}

type Envelope = { result: { data: unknown } } | { error: unknown };

export interface TrpcRouteOptions {
  /**
   * Serve well-formed JSON calls directly (default). `false` sends every request through tRPC's
   * own Fastify adapter: the reference the direct path is tested against.
   */
  direct?: boolean;
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The calls of a request, when it is the plain kind tRPC's HTTP protocol answers with one JSON
 * body: GET for queries, POST with a JSON body for mutations, single or batched, every path a
 * procedure of the matching type. Anything else (streaming, unknown paths, the wrong method,
 * malformed JSON, other content types) is `undefined`: tRPC's own adapter answers it.
 */
function plainCalls(router: AnyRouter, req: FastifyRequest, path: string): Call[] | undefined {
  const method = req.method;
  if (method !== 'GET' && method !== 'POST') return undefined;
  const query = req.query as Record<string, string | string[] | undefined>;
  for (const key in query) if (key !== 'input' && key !== 'batch') return undefined;
  const accept = req.headers['trpc-accept'] ?? req.headers.accept;
  if (typeof accept === 'string' && accept.includes('application/jsonl')) return undefined;
  if (query.batch !== undefined && query.batch !== '1') return undefined;
  const batch = query.batch === '1';

  let raw: unknown;
  if (method === 'GET') {
    const input = query.input;
    if (Array.isArray(input)) return undefined;
    if (input) {
      const parsed = parseJson(input);
      if (!parsed.ok) return undefined;
      raw = parsed.value;
    }
  } else {
    const contentType = req.headers['content-type'];
    if (typeof contentType !== 'string' || !JSON_CONTENT_TYPE.test(contentType)) return undefined;
    if (typeof req.body !== 'string') return undefined;
    const parsed = parseJson(req.body);
    if (!parsed.ok) return undefined;
    raw = parsed.value;
  }

  const paths = batch ? path.split(',') : [path];
  if (batch && raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw)))
    return undefined;
  const wanted = method === 'GET' ? 'query' : 'mutation';
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  const deserialize = router._def._config.transformer.input.deserialize;
  const calls: Call[] = [];
  for (const [index, callPath] of paths.entries()) {
    const procedure = Object.hasOwn(procedures, callPath) ? procedures[callPath] : undefined;
    if (!procedure || procedure._def.type !== wanted) return undefined;
    const value = batch ? (raw as Record<string, unknown> | undefined)?.[index] : raw;
    calls.push({
      path: callPath,
      procedure,
      input: value === undefined ? undefined : deserialize(value),
    });
  }
  return calls;
}

/**
 * tRPC on Fastify for Switchboard. Plain JSON calls run the procedure straight from Fastify's
 * request and reply; tRPC's adapter would first turn each request into a Fetch `Request` and its
 * answer into a `Response`, which measured as the largest share of a simple procedure's CPU time.
 * The procedures, middlewares, error formatter, `onError` and `responseMeta` are tRPC's own, and
 * the answer is byte-for-byte the one the adapter gives (tested against it).
 */
export function registerTrpcRoute<TRouter extends AnyRouter>(
  app: FastifyInstance,
  prefix: string,
  trpcOptions: TrpcOptions<TRouter>,
  options: TrpcRouteOptions = {},
) {
  const direct = options.direct ?? true;
  const { router } = trpcOptions;
  const config = router._def._config;

  const answer = async (req: FastifyRequest, reply: FastifyReply, path: string, calls: Call[]) => {
    const type = (calls[0] as Call).procedure._def.type;
    let ctx: unknown;
    let contextError: TRPCError | undefined;
    try {
      ctx = await trpcOptions.createContext?.({ req, res: reply, info: undefined as never });
    } catch (cause) {
      contextError = getTRPCErrorFromUnknown(cause);
    }
    const errors: TRPCError[] = [];
    const failed = (error: TRPCError, call: Call | undefined): Envelope => {
      errors.push(error);
      return {
        error: getTRPCErrorShape({
          config,
          error,
          type,
          path: call?.path ?? path,
          input: call?.input,
          ctx,
        }),
      };
    };
    const envelopes: Envelope[] = await Promise.all(
      calls.map(async (call, batchIndex): Promise<Envelope> => {
        try {
          if (contextError) throw contextError;
          const data = await callTRPCProcedure({
            router,
            path: call.path,
            getRawInput: async () => call.input,
            ctx,
            type,
            signal: undefined,
            batchIndex,
          });
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          trpcOptions.onError?.({ error, type, path: call.path, input: call.input, ctx, req });
          return failed(error, call);
        }
      }),
    );
    const batch = (req.query as { batch?: string }).batch === '1';
    const body = batch ? envelopes : envelopes[0];
    let status = getHTTPStatusCode(body as never);
    const meta = trpcOptions.responseMeta?.({
      ctx: ctx as never,
      info: undefined,
      paths: calls.map((call) => call.path),
      type,
      data: envelopes as never,
      errors,
      eagerGeneration: false,
    });
    if (meta?.status) status = meta.status;
    reply.header('vary', 'trpc-accept, accept');
    if (meta?.headers) {
      for (const [key, value] of Object.entries(meta.headers as Record<string, unknown>)) {
        if (typeof value === 'string' || Array.isArray(value)) reply.header(key, value);
      }
    }
    // A Buffer, so Fastify sends the content type as tRPC does, without adding a charset.
    reply
      .code(status)
      .header('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify(transformTRPCResponse(config, body as never))));
    return reply;
  };

  app.register(
    async (scope) => {
      // As tRPC's own plugin does: keep JSON bodies as text, parsed once the path is known.
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      );
      scope.removeContentTypeParser('multipart/form-data');
      scope.addContentTypeParser('multipart/form-data', {}, (_req, body, done) => done(null, body));
      scope.all<{ Params: { path: string } }>('/:path', async (req, reply) => {
        const path = req.params.path;
        const calls = direct ? plainCalls(router, req, path) : undefined;
        if (calls) return answer(req, reply, path, calls);
        await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
        return reply;
      });
    },
    { prefix },
  );
}
