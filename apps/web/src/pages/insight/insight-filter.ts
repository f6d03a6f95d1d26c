import { useUrlFilter } from '../../lib/useUrlFilter';

export const WINDOWS = [
  { key: '1h', label: '1 h', title: 'the last hour, per minute' },
  { key: '24h', label: '24 h', title: 'the last 24 hours, per 15 minutes' },
  { key: '7d', label: '7 d', title: 'the last 7 days, per hour' },
  { key: '30d', label: '30 d', title: 'the last 30 days, per day' },
  { key: 'custom', label: 'Custom', title: 'a range of your choice' },
] as const;
export type WindowKey = (typeof WINDOWS)[number]['key'];
export const DEFAULT_WINDOW: WindowKey = '24h';

/** What the Insight page looks at, as its query string says (`?window=7d&type=report.generate`). */
export interface InsightFilter {
  window?: WindowKey;
  from?: string;
  to?: string;
  type?: string;
  queue?: string;
  schedule?: string;
}

const KEYS = ['window', 'from', 'to', 'type', 'queue', 'schedule'] as const;

const windowOf = (value: string | undefined): WindowKey | undefined =>
  WINDOWS.find((entry) => entry.key === value)?.key;

const isoOf = (value: string | undefined): string | undefined =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;

export function useInsightFilter() {
  return useUrlFilter(KEYS, (value): InsightFilter => {
    const window = windowOf(value('window'));
    const custom = window === 'custom';
    return {
      window,
      from: custom ? isoOf(value('from')) : undefined,
      to: custom ? isoOf(value('to')) : undefined,
      type: value('type'),
      queue: value('queue'),
      schedule: value('schedule'),
    };
  });
}

/**
 * The insight.* input of a filter. A custom window without its range (just picked, not yet applied)
 * asks nothing: null.
 */
export function windowInputOf(filter: InsightFilter) {
  const window = filter.window ?? DEFAULT_WINDOW;
  if (window === 'custom' && !(filter.from && filter.to)) return null;
  return {
    window,
    ...(window === 'custom' ? { from: filter.from, to: filter.to } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.queue ? { queue: filter.queue } : {}),
    ...(filter.schedule ? { scheduleId: filter.schedule } : {}),
  };
}
export type WindowInput = NonNullable<ReturnType<typeof windowInputOf>>;
