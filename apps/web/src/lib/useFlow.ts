import { useEffect, useRef } from 'react';
import { useLiveEvents } from '../live';
import { trpc } from '../trpc';
import { useLiveScope } from './live-scope';
import { isLive } from './states';

/** How often a running flow's page asks again, whatever the live stream brings. */
const RUNNING_POLL_MS = 2_000;
/** Events of a flow's jobs come in bursts (a fan-out's progress): one refetch per window. */
const EVENT_DEBOUNCE_MS = 300;

/**
 * One flow, as its page shows it: fetched every 2 s while it runs, and at once (debounced) when a
 * live event about the flow or one of its jobs (`<flow id>.<node>…`) arrives.
 */
export function useFlow(id: string) {
  const utils = trpc.useUtils();
  const flow = trpc.flows.get.useQuery(
    { id },
    { refetchInterval: (query) => (!query.state.data || isLive(query.state.data.state) ? RUNNING_POLL_MS : false) },
  );
  const jobIds = flow.data?.nodes.flatMap((node) => node.jobs.map((job) => job.id)) ?? [];
  useLiveScope({ jobIds: [id, ...jobIds].slice(0, 200) });

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useLiveEvents((event) => {
    if (!event.jobId || (event.jobId !== id && !event.jobId.startsWith(`${id}.`))) return;
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void utils.flows.get.invalidate({ id });
    }, EVENT_DEBOUNCE_MS);
  });
  return flow;
}

/** What a flow action calls once it succeeded: the flow's page and the flows list ask again. */
export function useFlowChanged(id: string) {
  const utils = trpc.useUtils();
  return () => {
    void utils.flows.get.invalidate({ id });
    void utils.flows.list.invalidate();
  };
}
