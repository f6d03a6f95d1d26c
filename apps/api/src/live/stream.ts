import { DomainError } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import { busHealthNotice, startBusHeartbeat } from '../bus-health';
import type { Services } from '../services';
import type { LiveMessage } from './connection';
import { createLiveDispatcher, type LiveDispatcher } from './dispatcher';
import { toSelector, type SubscribeInput } from './selector';
import { startSystemFeed } from './system-feed';

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
    // Queue stats and health changes, read every few seconds while some stream asks for them.
    startSystemFeed(services, created);
  }
  return dispatcher;
}

/**
 * One caller's live stream: the messages of its selector, at most one per delivery window, until
 * the caller goes or its credential is revoked, expires or its user is disabled (then UNAUTHORIZED).
 */
export async function* liveStream(
  services: Services,
  principal: Principal,
  input: SubscribeInput,
  signal: AbortSignal | undefined,
) {
  const revoked = new AbortController();
  const stopWatching = services.sessionWatch.watch(principal.tokenId, () => revoked.abort());
  const stop = signal ? AbortSignal.any([signal, revoked.signal]) : revoked.signal;
  const connection = liveDispatcher(services).open(toSelector(input));
  try {
    // A new stream learns at once whether live events flow (then every few seconds, from the dispatcher).
    yield busHealthNotice(services.events) as LiveMessage;
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
  if (revoked.signal.aborted) throw new DomainError('UNAUTHORIZED', 'the credential of this stream was revoked');
}
