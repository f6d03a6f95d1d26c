import { TRPCError } from '@trpc/server';
import { busHealthNotice } from '../bus-health';
import { liveDispatcher, subscribeInput, toSelector, type LiveMessage } from '../live';
import { router, viewerProcedure } from '../trpc';

export const eventsRouter = router({
  /**
   * Job and progress events as Server-Sent Events, narrowed to what the caller shows (see
   * live/selector.ts: jobs followed by id, or watched by queue, type and kind of event). Every API
   * instance subscribes once to the same Redis channel, so an event published by any worker
   * reaches every open dashboard. Each stream sends at most one message per 100 ms window, a
   * job's waiting progress update replaced by its next one; with `batch: true` a window's events
   * come as one `{ kind: 'batch', events }` message. The stream ends, with an UNAUTHORIZED error,
   * within seconds of its token being revoked, expiring or its user disabled.
   */
  subscribe: viewerProcedure.input(subscribeInput).subscription(async function* ({ ctx, input, signal }) {
    const revoked = new AbortController();
    const stopWatching = ctx.services.sessionWatch.watch(ctx.principal.tokenId, () => revoked.abort());
    const stop = signal ? AbortSignal.any([signal, revoked.signal]) : revoked.signal;
    const connection = liveDispatcher(ctx.services).open(toSelector(input));
    try {
      // A new stream learns at once whether live events flow (then every few seconds, from the dispatcher).
      yield busHealthNotice(ctx.services.events) as LiveMessage;
      while (!stop.aborted) {
        const batch = await connection.next(stop);
        if (input.batch) yield { kind: 'batch' as const, events: batch };
        else for (const message of batch) yield message as LiveMessage;
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    } finally {
      connection.close();
      stopWatching();
    }
    if (revoked.signal.aborted)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the credential of this stream was revoked' });
  }),
});
