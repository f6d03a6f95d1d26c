import { on } from 'node:events';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { JobEvent } from '@jobdeck/workflows';
import { router, viewerProcedure } from '../trpc';

export const eventsRouter = router({
  /**
   * Job and progress events as Server-Sent Events. Every API instance subscribes to the same Redis
   * channel, so an event published by any worker reaches every open dashboard.
   */
  subscribe: viewerProcedure
    .input(z.object({ jobId: z.string().max(300).optional() }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const relay = new EventEmitter();
      const unsubscribe = ctx.services.events.subscribe((event) => {
        if (!input.jobId || event.jobId === input.jobId) relay.emit('event', event);
      });
      try {
        for await (const [event] of on(relay, 'event', { signal })) yield event as JobEvent;
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      } finally {
        unsubscribe();
      }
    }),
});
