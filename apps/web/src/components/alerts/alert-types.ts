import type { RouterOutputs } from '../../trpc';

/** The alerting answers as the dashboard reads them (their shapes are the API's: apps/api/src/router/alerts.ts). */
export type RuleSummary = RouterOutputs['alerts']['rules']['list'][number];
export type RuleDetail = RouterOutputs['alerts']['rules']['get'];
export type ChannelSummary = RouterOutputs['alerts']['channels']['list'][number];
export type FiringSummary = RouterOutputs['alerts']['firings']['list']['items'][number];
export type FiringDetail = RouterOutputs['alerts']['firings']['get'];

export interface Fact {
  label: string;
  value: string;
}

/**
 * A firing's facts as label/value rows. The evaluation stores them as such a list; an older or
 * foreign shape (a plain object) is still shown rather than dropped.
 */
export function factsOf(facts: unknown): Fact[] {
  if (Array.isArray(facts))
    return facts
      .filter(
        (fact): fact is { label: unknown; value: unknown } => !!fact && typeof fact === 'object' && 'label' in fact,
      )
      .map((fact) => ({ label: String(fact.label), value: textOf(fact.value) }));
  if (facts && typeof facts === 'object')
    return Object.entries(facts as Record<string, unknown>).map(([label, value]) => ({ label, value: textOf(value) }));
  return [];
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
