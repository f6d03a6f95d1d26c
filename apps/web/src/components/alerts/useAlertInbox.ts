import { useCallback, useRef } from 'react';
import { trpc } from '../../trpc';
import { useToast } from '../toasts/Toasts';
import { useAlertEvents, type AlertStreamEvent } from './useAlertEvents';

/** With the live stream up, a slow safety net; without it, this is how new alerts arrive. */
const POLL_MS = 30_000;
const LIVE_POLL_MS = 120_000;
const INBOX_SIZE = 20;
const COALESCE_MS = 300;

/**
 * The bell's data: the unread count and the latest alerts of rules with a dashboard channel, fetched
 * again on each alert event (and what the Alerts page shows with them: rule states, the history).
 */
export function useAlertInbox({ listOpen }: { listOpen: boolean }) {
  const utils = trpc.useUtils();
  const toast = useToast();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchSoon = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void utils.alerts.inbox.invalidate();
      void utils.alerts.rules.invalidate();
      void utils.alerts.firings.list.invalidate();
    }, COALESCE_MS);
  }, [utils]);
  const onAlert = useCallback(
    (events: AlertStreamEvent[]) => {
      // "Send test" on a dashboard channel: shown by every open bell, nothing to fetch.
      for (const test of events.filter((event) => event.kind === 'alert.test'))
        toast.push({
          tone: 'ok',
          title: 'Test alert',
          body: `${test.by ?? 'Someone'} tested the dashboard channel “${test.channelName ?? ''}”: this bell hears its alerts.`,
        });
      if (events.length && events.every((event) => event.kind === 'alert.test')) return;
      refetchSoon();
    },
    [toast, refetchSoon],
  );
  const live = useAlertEvents(onAlert);
  const refetchInterval = live ? LIVE_POLL_MS : POLL_MS;

  const unread = trpc.alerts.inbox.unreadCount.useQuery(undefined, { refetchInterval });
  const list = trpc.alerts.inbox.list.useQuery(
    { limit: INBOX_SIZE },
    { enabled: listOpen, refetchInterval: listOpen ? refetchInterval : false },
  );
  const markRead = trpc.alerts.inbox.markRead.useMutation({
    onSuccess: () => void utils.alerts.inbox.invalidate(),
  });
  return { live, unread, list, markRead };
}
