import { router } from '../trpc';
import { authRouter } from './auth';
import { eventsRouter } from './events';
import { jobsRouter } from './jobs';
import { createAuditRouter } from './audit';
import { queuesRouter } from './queues';
import { tokensRouter } from './tokens';
import { usersRouter } from './users';
import { systemRouter } from './system';
import { alertsRouter } from './alerts';
import { schedulesRouter } from './schedules';
import { templatesRouter } from './templates';
import { insightRouter } from './insight';
import { viewsRouter } from './views';
import { exportsRouter } from './exports';
import { flowsRouter } from './flows';

export const appRouter = router({
  auth: authRouter,
  jobs: jobsRouter,
  queues: queuesRouter,
  users: usersRouter,
  tokens: tokensRouter,
  audit: createAuditRouter((): string[] => mutationPaths(appRouter)),
  system: systemRouter,
  events: eventsRouter,
  schedules: schedulesRouter,
  templates: templatesRouter,
  alerts: alertsRouter,
  insight: insightRouter,
  views: viewsRouter,
  exports: exportsRouter,
  flows: flowsRouter,
});

export type AppRouter = typeof appRouter;

/** The paths of a router's mutations, sorted: what the audit trail records. */
function mutationPaths(root: { _def: { procedures: object } }): string[] {
  return Object.entries(root._def.procedures as Record<string, { _def: { type: string } }>)
    .filter(([, procedure]) => procedure._def.type === 'mutation')
    .map(([path]) => path)
    .sort();
}
