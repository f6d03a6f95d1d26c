import { searchOf, useUrlFilter } from '../../lib/useUrlFilter';
import type { RouterInputs } from '../../trpc';
import { fromLocalInput, toLocalInput } from '../../lib/local-time';

export type AuditInput = Exclude<RouterInputs['audit']['list'], void | undefined>;
export type AuditFilter = Pick<AuditInput, 'actor' | 'action' | 'target' | 'outcome' | 'from' | 'to'>;
export const FILTER_KEYS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;

function outcomeOf(value: string | undefined): AuditFilter['outcome'] {
  return value === 'ok' || value === 'error' ? value : undefined;
}

/** Filters live in the query string: a filtered audit trail can be bookmarked and shared. */
export function useAuditFilter() {
  return useUrlFilter(FILTER_KEYS, (value): AuditFilter => ({
    actor: value('actor'),
    action: value('action'),
    target: value('target'),
    outcome: outcomeOf(value('outcome')),
    from: value('from'),
    to: value('to'),
  }));
}

export function isFiltered(filter: AuditFilter): boolean {
  return FILTER_KEYS.some((key) => filter[key]);
}

/** The audit page narrowed further by one more value, as a link in a row offers it. */
export function filterLink(filter: AuditFilter, key: keyof AuditFilter, value: string | null): string {
  const search = searchOf(FILTER_KEYS, filter);
  if (value) search.set(key, value);
  return `/audit?${search.toString()}`;
}

/** The form's text of each filter. */
export type AuditDraft = Record<(typeof FILTER_KEYS)[number], string>;

export function draftOf(filter: AuditFilter): AuditDraft {
  return {
    actor: filter.actor ?? '',
    action: filter.action ?? '',
    target: filter.target ?? '',
    outcome: filter.outcome ?? '',
    from: toLocalInput(filter.from),
    to: toLocalInput(filter.to),
  };
}

export function filterOf(draft: AuditDraft): AuditFilter {
  return {
    actor: draft.actor.trim() || undefined,
    action: draft.action.trim() || undefined,
    target: draft.target.trim() || undefined,
    outcome: outcomeOf(draft.outcome),
    from: fromLocalInput(draft.from),
    to: fromLocalInput(draft.to),
  };
}
