import { router } from '../trpc';
import { authRouter } from './auth';
import { eventsRouter } from './events';
import { jobsRouter } from './jobs';
import { auditRouter } from './audit';
import { queuesRouter } from './queues';
import { tokensRouter } from './tokens';
import { usersRouter } from './users';
import { systemRouter } from './system';
import { alertsRouter } from './alerts';
import { schedulesRouter } from './schedules';
import { templatesRouter } from './templates';

export const appRouter = router({
  auth: authRouter,
  jobs: jobsRouter,
  queues: queuesRouter,
  users: usersRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  system: systemRouter,
  events: eventsRouter,
  schedules: schedulesRouter,
  templates: templatesRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;
