import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { type OrgId, orgIdSchema, toolkitSlugSchema } from '@switchboard/identity';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actingAs } from '../access/acting.js';
import { loadCaller, verifyBearer } from '../auth/authenticate.js';
import { AppError } from '../errors.js';
import { toolArgumentsInput } from '../modules/tools/tools.schema.js';
import type { AppDeps } from '../platform/deps.js';
import { toAppError } from '../platform/error-mapping.js';
import { mcpServerFor } from './mcp-server.js';
import { TOOLS_DEFAULT, TOOLS_MAX } from './mcp-tools.js';

const METADATA_PATH = '/.well-known/oauth-protected-resource';

const endpointQuery = z.object({
  toolkits: z
    .string()
    .max(1_000)
    .transform((list) =>
      list
        .split(',')
        .map((slug) => slug.trim())
        .filter(Boolean),
    )
    .pipe(z.array(toolkitSlugSchema).min(1).max(20))
    .optional(),
  limit: z.coerce.number().int().min(1).max(TOOLS_MAX).default(TOOLS_DEFAULT),
});

/**
 * The first `tools/call` without a tool name, or whose arguments are not a safe JSON object (not
 * an object, nested too deep, a prototype key). Checked on the body as parsed, before the SDK's schemas copy it: a copy
 * would drop a `__proto__` key rather than show it.
 */
function unsafeToolArguments(body: unknown): { id: unknown; message: string } | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!message || typeof message !== 'object') continue;
    const { method, params, id } = message as { method?: unknown; params?: unknown; id?: unknown };
    if (method !== 'tools/call') continue;
    if (
      !params ||
      typeof params !== 'object' ||
      typeof (params as { name?: unknown }).name !== 'string'
    ) {
      return { id, message: 'tools/call needs params.name, the tool to call' };
    }
    const args = (params as { arguments?: unknown }).arguments;
    if (args === undefined) continue;
    const checked = toolArgumentsInput.safeParse(args);
    if (!checked.success) {
      return { id, message: checked.error.issues.map((issue) => issue.message).join('; ') };
    }
  }
  return undefined;
}

/** True when every message of the body is a `tools/call`. */
function onlyToolCalls(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return (
    messages.length > 0 &&
    messages.every(
      (message) =>
        message !== null &&
        typeof message === 'object' &&
        (message as { method?: unknown }).method === 'tools/call',
    )
  );
}

/** The JSON-RPC id of a single request, to answer refusals made before the SDK sees it. */
function requestIdOf(body: unknown): string | number | null {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const id = (body as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}

function jsonRpcFailure(
  reply: FastifyReply,
  status: number,
  id: string | number | null,
  message: string,
  data: Record<string, unknown>,
  code: number = ErrorCode.InvalidRequest,
) {
  return reply.code(status).send({ jsonrpc: '2.0', id, error: { code, message, data } });
}

/**
 * Switchboard as an MCP server over Streamable HTTP (the official SDK's transport, stateless and
 * answering in JSON): `/mcp` acts personally, `/mcp/orgs/:orgId` in that organization. The same
 * bearer tokens as the API; a missing or bad one is 401 with the `WWW-Authenticate` header MCP's
 * authorization spec asks for, pointing at this resource's metadata (RFC 9728). An organization
 * the caller is not a member of is 404, as in the tRPC API.
 */
export function registerMcpRoutes(app: FastifyInstance, deps: AppDeps, publicUrl: () => string) {
  const resource = () => `${publicUrl()}/mcp`;
  const metadata = () => ({
    resource: resource(),
    authorization_servers: [deps.config.AUTH_ISSUER],
    bearer_methods_supported: ['header'],
    resource_name: 'Switchboard',
  });
  app.get(METADATA_PATH, async () => metadata());
  app.get(`${METADATA_PATH}/mcp`, async () => metadata());

  const handle = async (
    req: FastifyRequest,
    reply: FastifyReply,
    orgIdParam: string | undefined,
  ) => {
    let body: unknown;
    try {
      body = typeof req.body === 'string' ? JSON.parse(req.body) : req.body;
    } catch {
      return jsonRpcFailure(
        reply,
        400,
        null,
        'Parse error: Invalid JSON',
        { reason: 'INVALID_INPUT' },
        ErrorCode.ParseError,
      );
    }
    const id = requestIdOf(body);
    let userId: Awaited<ReturnType<typeof verifyBearer>>;
    try {
      userId = await verifyBearer(deps, req.headers.authorization);
    } catch (error) {
      const mapped = toAppError(error);
      if (!(mapped instanceof AppError)) throw error;
      const challenge = [`resource_metadata="${publicUrl()}${METADATA_PATH}"`];
      if (req.headers.authorization) {
        challenge.push(
          'error="invalid_token"',
          `error_description="${mapped.message.replaceAll('"', "'")}"`,
        );
      }
      reply.header('www-authenticate', `Bearer ${challenge.join(', ')}`);
      return jsonRpcFailure(reply, 401, id, mapped.message, { reason: mapped.reason });
    }

    let orgId: OrgId | undefined;
    if (orgIdParam !== undefined) {
      const parsedOrg = orgIdSchema.safeParse(orgIdParam);
      if (!parsedOrg.success) {
        return jsonRpcFailure(reply, 404, id, 'Organization was not found', {
          reason: 'NOT_FOUND',
        });
      }
      orgId = parsedOrg.data;
    }
    const query = endpointQuery.safeParse(req.query);
    if (!query.success) {
      const issues = query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return jsonRpcFailure(reply, 400, id, `Bad query: ${issues}`, { reason: 'INVALID_INPUT' });
    }

    // Memberships are read on every request: a removed member is refused on their next call.
    // Tool calls read them in the execution path (which audits a non-member's attempt, as
    // tools.execute does); anything else is checked here first.
    const refuseNotAMember = (error: AppError) => {
      if (error.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(error.retryAfterSeconds));
      }
      const status =
        error.reason === 'NOT_FOUND' ? 404 : error.reason === 'DATABASE_UNAVAILABLE' ? 503 : 400;
      return jsonRpcFailure(
        reply,
        status,
        id,
        error.message,
        { reason: error.reason },
        ErrorCode.InternalError,
      );
    };
    if (!onlyToolCalls(body)) {
      try {
        actingAs(await loadCaller(deps, userId), orgId);
      } catch (error) {
        const mapped = toAppError(error);
        if (!(mapped instanceof AppError)) throw error;
        return refuseNotAMember(mapped);
      }
    }

    const unsafe = unsafeToolArguments(body);
    if (unsafe) {
      return jsonRpcFailure(
        reply,
        Array.isArray(body) ? 400 : 200,
        requestIdOf(unsafe),
        `Invalid arguments: ${unsafe.message}`,
        { reason: 'INVALID_ARGUMENTS' },
        ErrorCode.InvalidParams,
      );
    }
    const outcome = { notAMember: false };
    const server = mcpServerFor({
      deps,
      userId,
      orgId,
      publicUrl: publicUrl(),
      toolkits: query.data.toolkits,
      limit: query.data.limit,
      outcome,
      jsonSchemaValidator: deps.mcpSchemaValidator,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    // Answered in JSON, the exchange is over once the response is read: nothing is left to close.
    // Closing anyway costs an error object with a stack trace (the SDK's "Connection closed")
    // per request, so only an exchange cut short by a failure is closed.
    try {
      await server.connect(transport);
      const headers = new Headers();
      for (const name of ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      const response = await transport.handleRequest(
        new Request(`${publicUrl()}${req.url}`, { method: 'POST', headers }),
        { parsedBody: body },
      );
      if (outcome.notAMember) {
        await response.arrayBuffer();
        return refuseNotAMember(new AppError('NOT_FOUND', 'Organization was not found'));
      }
      reply.code(response.status);
      response.headers.forEach((value, name) => {
        reply.header(name, value);
      });
      return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw error;
    }
  };

  app.register(async (scope) => {
    // The body is parsed here, so malformed JSON gets JSON-RPC's parse error.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/mcp', (req, reply) => deps.inFlight.track(() => handle(req, reply, undefined)));
    scope.post<{ Params: { orgId: string } }>('/mcp/orgs/:orgId', (req, reply) =>
      deps.inFlight.track(() => handle(req, reply, req.params.orgId)),
    );
    // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
    const notAllowed = async (_req: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(405)
        .header('allow', 'POST')
        .send({
          jsonrpc: '2.0',
          id: null,
          error: {
            code: ErrorCode.InvalidRequest,
            message: 'Method not allowed: this endpoint is stateless; POST JSON-RPC messages',
          },
        });
    for (const path of ['/mcp', '/mcp/orgs/:orgId']) {
      scope.get(path, notAllowed);
      scope.delete(path, notAllowed);
    }
  });
}
