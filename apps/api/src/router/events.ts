import { liveStream, subscribeInput } from '../live';
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
  subscribe: viewerProcedure
    .input(subscribeInput)
    .subscription(({ ctx, input, signal }) => liveStream(ctx.services, ctx.principal, input, signal)),
});
