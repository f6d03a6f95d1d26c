import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { RouterInputs } from '../trpc';

/**
 * What the mounted pages show, as the narrowing of the tab's one live stream: a job's page follows
 * that job, the jobs table follows its rows and watches state changes of its filter (so new jobs
 * appear), the overview watches state changes only. The tab receives nothing else: progress of jobs
 * nobody looks at was most of the traffic. With no page asking, the stream carries only notices.
 */

export type SubscribeInput = Exclude<RouterInputs['events']['subscribe'], void | undefined>;
export type EventKind = NonNullable<SubscribeInput['kinds']>[number];

export interface LiveScope {
  jobId?: string;
  jobIds?: readonly string[];
  queue?: string;
  type?: string;
  kinds?: readonly EventKind[];
}

/** The API refuses more (400): the rows beyond it are refreshed by the list's own refetches. */
const MAX_FOLLOWED = 200;

/** The one stream's input for every scope at once. */
export function mergeScopes(scopes: readonly LiveScope[]): SubscribeInput {
  // No page shows anything live: the stream stays open for its notices (the bus's health) only.
  if (!scopes.length) return { batch: true, kinds: [] };
  const ids = [...new Set(scopes.flatMap((scope) => [...(scope.jobId ? [scope.jobId] : []), ...(scope.jobIds ?? [])]))]
    .sort()
    .slice(0, MAX_FOLLOWED);
  const watching = scopes.filter(
    (scope) => scope.queue || scope.type || scope.kinds || !(scope.jobId || scope.jobIds?.length),
  );
  if (!watching.length) return { batch: true, jobIds: ids };
  // Two pages watching different queues (or types) share a stream watching all of them.
  const same = (key: 'queue' | 'type') => {
    const values = new Set(watching.map((scope) => scope[key]));
    return values.size === 1 ? [...values][0] : undefined;
  };
  const queue = same('queue');
  const type = same('type');
  const kinds = watching.some((scope) => !scope.kinds)
    ? undefined
    : ([...new Set(watching.flatMap((scope) => scope.kinds ?? []))].sort() as EventKind[]);
  // Watching every event of every job already covers the followed ones.
  if (!queue && !type && !kinds) return { batch: true };
  return {
    batch: true,
    ...(ids.length ? { jobIds: ids } : {}),
    ...(queue ? { queue } : {}),
    ...(type ? { type } : {}),
    ...(kinds ? { kinds } : {}),
  };
}

interface ScopeRegistry {
  add(id: number, scope: LiveScope): void;
  remove(id: number): void;
}

export const LiveScopeContext = createContext<ScopeRegistry>({ add: () => {}, remove: () => {} });

/** The registry a LiveProvider holds, and the stream input it makes of it. */
export function useScopeRegistry(): { registry: ScopeRegistry; input: SubscribeInput } {
  const [scopes, setScopes] = useState<ReadonlyMap<number, LiveScope>>(() => new Map());
  const registry = useMemo<ScopeRegistry>(
    () => ({
      add: (id, scope) => setScopes((old) => new Map(old).set(id, scope)),
      remove: (id) =>
        setScopes((old) => {
          const next = new Map(old);
          next.delete(id);
          return next;
        }),
    }),
    [],
  );
  const merged = mergeScopes([...scopes.values()]);
  const key = JSON.stringify(merged);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the input's identity
  const input = useMemo(() => merged, [key]);
  return { registry, input };
}

let nextId = 0;

/** Asks for the live events of what a component shows, for as long as it is mounted. Null: nothing. */
export function useLiveScope(scope: LiveScope | null): void {
  const registry = useContext(LiveScopeContext);
  const [id] = useState(() => ++nextId);
  const key = scope ? JSON.stringify({ ...scope, jobIds: scope.jobIds ? [...scope.jobIds].sort() : undefined }) : null;
  useEffect(() => {
    if (key === null) return;
    registry.add(id, JSON.parse(key) as LiveScope);
    return () => registry.remove(id);
  }, [registry, id, key]);
}
