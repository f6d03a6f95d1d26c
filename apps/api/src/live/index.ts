import { startBusHeartbeat } from '../bus-health';
import type { Services } from '../services';
import { createLiveDispatcher, type LiveDispatcher } from './dispatcher';

export { subscribeInput, toSelector, MAX_FOLLOWED_JOBS, type SubscribeInput, type Selector } from './selector';
export { LiveConnection, DELIVERY_WINDOW_MS, type LiveMessage, type LiveNotice } from './connection';
export type { LiveDispatcher } from './dispatcher';

// Kept beside the services rather than in them: created on the first stream, one per API process.
const dispatchers = new WeakMap<Services, LiveDispatcher>();

/**
 * The process's live dispatcher. Other parts of the API may tell every open stream something with
 * `liveDispatcher(services).notifyAll({ kind: 'live.<what>', at, ... })` (e.g. the bus's health).
 */
export function liveDispatcher(services: Services): LiveDispatcher {
  let dispatcher = dispatchers.get(services);
  if (!dispatcher) {
    dispatcher = createLiveDispatcher({
      bus: services.events,
      lookupJob: (id) => services.db.job.findUnique({ where: { id }, select: { type: true, queue: true } }),
    });
    dispatchers.set(services, dispatcher);
    // Every stream hears every few seconds whether live events flow, so a dashboard knows when to poll instead.
    const created = dispatcher;
    startBusHeartbeat(services.events, (notice) => created.notifyAll(notice));
  }
  return dispatcher;
}
