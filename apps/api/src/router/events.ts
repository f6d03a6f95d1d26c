import { on } from 'node:events';
import { EventEmitter } from 'node:events';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { redactSecrets, type JobEvent } from '@jobdeck/workflows';
import { jobIdSchema } from '@jobdeck/workflows/control';
import { router, viewerProcedure } from '../trpc';

export const eventsRouter = router({
  /**
   * Job and progress events as Server-Sent Events. Every API instance subscribes to the same Redis
   * channel, so an event published by any worker reaches every open dashboard. The stream ends, with
   * an UNAUTHORIZED error, within seconds of its token being revoked, expiring or its user disabled.
   */
  subscribe: viewerProcedure
    .input(
      z
        .object({
          jobId: jobIdSchema.optional(),
          /** Added by tRPC's subscription link when it reconnects; events are live only, so it is not replayed. */
          lastEventId: z.string().max(200).optional(),
        })
        .strict()
        .default({}),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const relay = new EventEmitter();
      const revoked = new AbortController();
      const stopWatching = ctx.services.sessionWatch.watch(ctx.principal.tokenId, () => revoked.abort());
      const unsubscribe = ctx.services.events.subscribe((event) => {
        if (!input.jobId || event.jobId === input.jobId) relay.emit('event', event);
      });
      try {
        const stop = signal ? AbortSignal.any([signal, revoked.signal]) : revoked.signal;
        for await (const [event] of on(relay, 'event', { signal: stop })) yield redactSecrets(event as JobEvent);
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      } finally {
        unsubscribe();
        stopWatching();
      }
      if (revoked.signal.aborted) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the credential of this stream was revoked' });
    }),
});
