import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { ErrorBox } from '../components/ErrorBox';
import { AdminOnly } from '../components/FormErrors';
import { Loading } from '../components/Loading';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StateBadge';
import { dateTime, json } from '../lib/format';
import { usePermissions } from '../lib/permissions';
import { trpc, type RouterInputs } from '../trpc';

type AuditInput = Exclude<RouterInputs['audit']['list'], void | undefined>;
/** Written out: `params` is Prisma's recursive JSON type, too deep for TypeScript to carry through react-query. */
interface AuditRow {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  params: unknown;
  outcome: string;
  error: string | null;
  ip: string | null;
}
interface AuditChunk {
  items: AuditRow[];
  nextCursor: string | null;
}
type Filter = Pick<AuditInput, 'actor' | 'action' | 'target' | 'outcome' | 'from' | 'to'>;
const KEYS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;
const PAGE_SIZE = 50;

/** Filters live in the query string: a filtered audit trail can be bookmarked and shared. */
function useAuditFilter(): [Filter, (next: Filter) => void] {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('outcome');
  const filter: Filter = {
    actor: params.get('actor') || undefined,
    action: params.get('action') || undefined,
    target: params.get('target') || undefined,
    outcome: outcome === 'ok' || outcome === 'error' ? outcome : undefined,
    from: params.get('from') || undefined,
    to: params.get('to') || undefined,
  };
  const setFilter = (next: Filter) => {
    const search = new URLSearchParams();
    for (const key of KEYS) if (next[key]) search.set(key, next[key]!);
    setParams(search, { replace: true });
  };
  return [filter, setFilter];
}

function filterLink(filter: Filter, key: keyof Filter, value: string | null): string {
  const search = new URLSearchParams();
  for (const name of KEYS) if (filter[name]) search.set(name, filter[name]!);
  if (value) search.set(key, value);
  return `/audit?${search.toString()}`;
}

/** `datetime-local` speaks local time without a zone; the API wants ISO with one. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function AuditFilters({ filter, onChange }: { filter: Filter; onChange: (next: Filter) => void }) {
  const actions = trpc.audit.actions.useQuery(undefined, { staleTime: Infinity });
  const [draft, setDraft] = useState({
    actor: filter.actor ?? '',
    action: filter.action ?? '',
    target: filter.target ?? '',
    outcome: filter.outcome ?? '',
    from: toLocalInput(filter.from),
    to: toLocalInput(filter.to),
  });
  // The URL changed elsewhere (a link in a row, back/forward): show what is applied.
  const applied = JSON.stringify(filter);
  useEffect(() => {
    const current = JSON.parse(applied) as Filter;
    setDraft({
      actor: current.actor ?? '',
      action: current.action ?? '',
      target: current.target ?? '',
      outcome: current.outcome ?? '',
      from: toLocalInput(current.from),
      to: toLocalInput(current.to),
    });
  }, [applied]);

  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft((value) => ({ ...value, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({
      actor: draft.actor.trim() || undefined,
      action: draft.action.trim() || undefined,
      target: draft.target.trim() || undefined,
      outcome: draft.outcome === 'ok' || draft.outcome === 'error' ? draft.outcome : undefined,
      from: fromLocalInput(draft.from),
      to: fromLocalInput(draft.to),
    });
  };
  const active = KEYS.some((key) => filter[key]);

  return (
    <form className="audit-filters" role="search" onSubmit={submit} data-testid="audit-filters">
      <label className="field">
        <span>Actor</span>
        <input
          type="text"
          value={draft.actor}
          onChange={set('actor')}
          placeholder="admin@localhost or token:name"
          data-testid="audit-filter-actor"
        />
      </label>
      <label className="field">
        <span>Action</span>
        <input
          type="text"
          value={draft.action}
          onChange={set('action')}
          list="audit-actions"
          placeholder="e.g. jobs.cancel"
          data-testid="audit-filter-action"
        />
        <datalist id="audit-actions">
          {(actions.data ?? []).map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Target</span>
        <input
          type="text"
          value={draft.target}
          onChange={set('target')}
          placeholder="a job id, queue, email…"
          data-testid="audit-filter-target"
        />
      </label>
      <label className="field">
        <span>Outcome</span>
        <select value={draft.outcome} onChange={set('outcome')} data-testid="audit-filter-outcome">
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="error">refused or failed</option>
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <input type="datetime-local" value={draft.from} onChange={set('from')} data-testid="audit-filter-from" />
      </label>
      <label className="field">
        <span>To</span>
        <input type="datetime-local" value={draft.to} onChange={set('to')} data-testid="audit-filter-to" />
      </label>
      <div className="form-actions audit-filter-actions">
        <button type="submit" className="button button-primary" data-testid="audit-filter-apply">
          Apply
        </button>
        {active && (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => onChange({})}
            data-testid="audit-filter-clear"
          >
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

function ParamsCell({ params }: { params: unknown }) {
  if (params === null || params === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(params);
  const preview = text.length > 48 ? `${text.slice(0, 47)}…` : text;
  return (
    <details className="params" data-testid="audit-params">
      <summary className="mono">{preview}</summary>
      <pre className="code-block">{json(params)}</pre>
    </details>
  );
}

function Row({ row, filter }: { row: AuditRow; filter: Filter }) {
  const ok = row.outcome === 'ok';
  return (
    <tr data-testid="audit-row" data-action={row.action} data-actor={row.actor} data-outcome={row.outcome}>
      <td data-label="When">
        <span title={dateTime(row.at)}>
          <RelativeTime iso={row.at} past />
        </span>
      </td>
      <td data-label="Actor">
        <span>
          <Link to={filterLink(filter, 'actor', row.actor)} title="Show only this actor">
            {row.actor}
          </Link>
          {row.role && <span className="muted small"> · {row.role}</span>}
        </span>
      </td>
      <td data-label="Action">
        <Link to={filterLink(filter, 'action', row.action)} className="mono" title="Show only this action">
          {row.action}
        </Link>
      </td>
      <td className="target-cell" data-label="Target">
        {row.target ? (
          row.action.startsWith('jobs.') && /^[\w.:-]+$/.test(row.target) ? (
            <Link to={`/jobs/${encodeURIComponent(row.target)}`} className="mono">
              {row.target}
            </Link>
          ) : (
            <span className="mono">{row.target}</span>
          )
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="outcome-cell" data-label="Outcome">
        <StatusBadge tone={ok ? 'ok' : 'bad'} testId="audit-outcome" title={row.error ?? undefined}>
          {ok ? 'ok' : row.outcome.toLowerCase().replace(/_/g, ' ')}
        </StatusBadge>
        {row.error && <span className="audit-error small">{row.error}</span>}
      </td>
      <td className="params-cell" data-label="Params">
        <ParamsCell params={row.params} />
      </td>
      <td className="mono small" data-label="IP">
        {row.ip ?? '—'}
      </td>
    </tr>
  );
}

export function AuditPage() {
  const { isAdmin, loading } = usePermissions();
  const [filter, setFilter] = useAuditFilter();
  const utils = trpc.useUtils();
  // Typed by hand (see AuditRow): the inferred output type is too deep to check.
  const listAudit = utils.client.audit.list.query as unknown as (
    input: AuditInput,
    options: { signal: AbortSignal },
  ) => Promise<AuditChunk>;
  const input = { ...filter, limit: PAGE_SIZE };
  const list = useInfiniteQuery({
    queryKey: getQueryKey(trpc.audit.list, input, 'infinite'),
    queryFn: ({ pageParam, signal }) => listAudit({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: (previous) => previous,
    enabled: isAdmin,
    refetchOnWindowFocus: false,
  });

  if (loading) return <Loading label="Loading…" rows={2} />;
  if (!isAdmin) return <AdminOnly title="Audit log" />;

  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const active = KEYS.some((key) => filter[key]);

  return (
    <div className="page" data-testid="audit-page">
      <div className="page-header">
        <h1>Audit log</h1>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            onClick={() => void list.refetch()}
            disabled={list.isFetching}
            data-testid="audit-refresh"
          >
            {list.isFetching && !list.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <p className="muted page-intro">
        Every change made through the API, by whom, and how it ended; refusals too. Secrets in parameters are redacted.
      </p>
      <section className="panel">
        <AuditFilters filter={filter} onChange={setFilter} />
        {list.error && !list.data ? (
          <ErrorBox error={list.error} title="Could not load the audit log" onRetry={() => void list.refetch()} />
        ) : !list.data ? (
          <Loading label="Loading the audit log…" rows={5} />
        ) : rows.length === 0 ? (
          <p className="empty" data-testid="audit-empty">
            No entries{active ? ' match these filters' : ' yet'}.
          </p>
        ) : (
          <div
            className={`table-scroll${list.isPlaceholderData ? ' stale' : ''}`}
            tabIndex={0}
            role="region"
            aria-label="Audit log"
          >
            <table className="table table-cards audit-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Params</th>
                  <th scope="col">IP</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <Row key={row.id} row={row} filter={filter} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.error && list.data && (
          <ErrorBox error={list.error} title="Could not load more" onRetry={() => void list.refetch()} />
        )}
        <div className="table-footer">
          <span className="muted small">
            {rows.length} entr{rows.length === 1 ? 'y' : 'ies'} shown
          </span>
          {list.hasNextPage && (
            <button
              type="button"
              className="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
              data-testid="audit-load-more"
            >
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
