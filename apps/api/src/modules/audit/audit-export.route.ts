import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { actingWith, parseQuery, signedInCaller } from '../../http/route-guard.js';
import type { AppDeps } from '../../platform/deps.js';
import { auditExportQuery } from './audit.schema.js';
import { exportContentType, exportFileName, exportText } from './audit-export.service.js';

/** The rest of a generator whose first value was already taken. */
async function* rest(first: string | undefined, text: AsyncGenerator<string>) {
  if (first !== undefined) yield first;
  yield* text;
}

/**
 * `GET /audit/export?orgId=&from=&to=&format=jsonl|csv`: the log `audit.export` gives, as one
 * file of any size. Authorized as `audit.list` (an organization's log needs admin or owner;
 * without `orgId`, one's own executions). The body is streamed a page of rows at a time and
 * pulled by the socket: the next page is read only once the last one was written, so memory
 * stays flat however large the file. The first page is read before answering, so a refusal or
 * a database failure still gets a status and a reason; one later on cuts the transfer short (the
 * client sees it fail, never a complete-looking file).
 */
export function registerAuditExportRoute(app: FastifyInstance, deps: AppDeps) {
  app.get('/audit/export', async (req, reply) => {
    const caller = await signedInCaller(deps, req);
    const query = parseQuery(auditExportQuery, req.query);
    const acting = actingWith(caller, 'audit.read', query.orgId);
    const text = exportText(deps, acting, query);
    const first = await text.next();
    const body = Readable.from(rest(first.done ? undefined : first.value, text), {
      objectMode: false,
      highWaterMark: 64 * 1024,
    });
    body.on('error', (error) => req.log.warn({ err: error }, 'audit export cut short'));
    return reply
      .header('content-type', exportContentType(query.format))
      .header('content-disposition', `attachment; filename="${exportFileName(acting, query)}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
