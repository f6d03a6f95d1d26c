import { router } from '../trpc';
import { authRouter } from './auth';
import { eventsRouter } from './events';
import { jobsRouter } from './jobs';
import { systemRouter } from './system';

export const appRouter = router({
  auth: authRouter,
  jobs: jobsRouter,
  system: systemRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;
