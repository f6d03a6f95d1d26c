import { useEffect, useRef, useState } from 'react';
import { isClientError, isUnauthorized } from '../../lib/errors';
import { clearToken, trpc } from '../../trpc';

/** The events of alerting on the live stream: a firing opened or resolved (alerts.evaluate), a channel test. */
const ALERT_EVENT_KINDS = ['alert.fired', 'alert.resolved', 'alert.test'];

/** What the bell reads of an alert event. */
export interface AlertStreamEvent {
  kind: string;
  channelName?: string;
  by?: string;
}
/** After a refusal (an API that does not know the class, an older one), ask again this much later. */
const RETRY_AFTER_REFUSAL_MS = 5 * 60_000;

/**
 * Calls `onAlert` with the alert events of each message (alert.fired, alert.resolved, alert.test; an
 * empty list after `live.dropped`, when one may have been lost), from a stream of its own narrowed to
 * alert events: the page's shared stream (live.ts) follows jobs, and a bell in the header must hear
 * alerts on every page. Answers whether the stream is up; when it is not, the caller polls.
 */
export function useAlertEvents(onAlert: (events: AlertStreamEvent[]) => void): boolean {
  const info = trpc.system.info.useQuery(undefined, { staleTime: 60_000 });
  const [refusedAt, setRefusedAt] = useState<number | null>(null);
  const [up, setUp] = useState(false);
  const callback = useRef(onAlert);
  useEffect(() => {
    callback.current = onAlert;
  }, [onAlert]);
  useEffect(() => {
    if (refusedAt === null) return;
    const timer = setTimeout(() => setRefusedAt(null), RETRY_AFTER_REFUSAL_MS);
    return () => clearTimeout(timer);
  }, [refusedAt]);

  const enabled = info.data?.liveUpdates === true && refusedAt === null;
  trpc.events.subscribe.useSubscription(
    { batch: true, kinds: ['alert'] },
    {
      enabled,
      onStarted: () => setUp(true),
      onData: (data) => {
        const events = (data.kind === 'batch' ? data.events : [data]) as AlertStreamEvent[];
        const alerts = events.filter((event) => ALERT_EVENT_KINDS.includes(event.kind));
        // A dropped window may have held an alert: look again rather than miss one.
        if (alerts.length || events.some((event) => event.kind === 'live.dropped')) callback.current(alerts);
      },
      onError: (error) => {
        setUp(false);
        if (isUnauthorized(error)) clearToken();
        // A refused input does not get better by reconnecting at once: poll meanwhile.
        else if (isClientError(error)) setRefusedAt(Date.now());
      },
    },
  );
  return enabled && up;
}
