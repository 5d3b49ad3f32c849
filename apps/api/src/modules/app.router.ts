import { router } from '../trpc/init.js';
import { approvalsRouter } from './approvals/approvals.router.js';
import { auditRouter } from './audit/audit.router.js';
import { connectionsRouter } from './connections/connections.router.js';
import { devRouter } from './dev/dev.router.js';
import { meRouter } from './me/me.router.js';
import { orgsRouter } from './orgs/orgs.router.js';
import { policiesRouter } from './policies/policies.router.js';
import { serverRouter } from './server/server.router.js';
import { toolkitsRouter } from './toolkits/toolkits.router.js';
import { toolsRouter } from './tools/tools.router.js';
import { webhooksRouter } from './webhooks/webhooks.router.js';

export const appRouter = router({
  me: meRouter,
  orgs: orgsRouter,
  policies: policiesRouter,
  toolkits: toolkitsRouter,
  connections: connectionsRouter,
  tools: toolsRouter,
  audit: auditRouter,
  dev: devRouter,
  server: serverRouter,
  webhooks: webhooksRouter,
  approvals: approvalsRouter,
});

export type AppRouter = typeof appRouter;
