import type { SearchTotal } from './search-types';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const exactly = new Intl.NumberFormat('en');

/** "1,234 jobs", or "about 1.2M jobs (estimated)" past what the API counts exactly. */
export function totalText(total: SearchTotal): string {
  const noun = total.count === 1 ? 'job' : 'jobs';
  return total.exact
    ? `${exactly.format(total.count)} ${noun}`
    : `about ${compact.format(total.count)} ${noun} (estimated)`;
}

export function TotalLine({ total, loading }: { total: SearchTotal | null | undefined; loading: boolean }) {
  if (!total) return <span className="search-total muted">{loading ? 'Counting…' : ''}</span>;
  return (
    <span className="search-total" data-testid="search-total" data-exact={total.exact} data-count={total.count}>
      {totalText(total)}
    </span>
  );
}
