import { router } from '../trpc/init.js';
import { auditRouter } from './audit.router.js';
import { connectionsRouter } from './connections.router.js';
import { devRouter } from './dev.router.js';
import { meRouter } from './me.router.js';
import { orgsRouter } from './orgs.router.js';
import { policiesRouter } from './policies.router.js';
import { toolkitsRouter } from './toolkits.router.js';
import { toolsRouter } from './tools.router.js';

export const appRouter = router({
  me: meRouter,
  orgs: orgsRouter,
  policies: policiesRouter,
  toolkits: toolkitsRouter,
  connections: connectionsRouter,
  tools: toolsRouter,
  audit: auditRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
