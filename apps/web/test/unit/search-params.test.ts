import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/lib/durations';
import { paramsFromSearch, sameSearch, searchFromParams, searchUrl } from '../../src/pages/search/search-params';
import { sortBy } from '../../src/pages/search/sorts';
import { totalText } from '../../src/pages/search/TotalLine';

describe('durations as people type them', () => {
  it('reads units, combinations and bare seconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('5 min')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1h 30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('12')).toBe(12_000);
    expect(parseDuration('1.5s')).toBe(1_500);
  });

  it('refuses what is not a duration', () => {
    for (const text of ['', 'soon', '5 parsecs', 'm5', '1h x']) expect(parseDuration(text)).toBeNull();
  });

  it('writes a compact form that reads back the same', () => {
    for (const ms of [0, 250, 1_000, 90_000, 5_400_000, 90_061_001]) expect(parseDuration(formatDuration(ms))).toBe(ms);
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});

describe('a search in the URL', () => {
  const search = {
    q: 'timeout "connection refused"',
    states: ['failed' as const, 'timed_out' as const],
    types: ['webhook.deliver'],
    requestedBy: 'token:ci',
    created: { from: '2026-11-01T00:00:00.000Z' },
    runMs: { min: 90_000 },
    attempts: { min: 2, max: 5 },
    hasError: true,
    sort: 'runTime' as const,
    order: 'desc' as const,
  };

  it('goes into the query string and back unchanged', () => {
    const params = paramsFromSearch(search);
    expect(params.getAll('state')).toEqual(['failed', 'timed_out']);
    expect(params.get('runMin')).toBe('1m30s');
    expect(searchFromParams(new URLSearchParams(params.toString()))).toEqual(search);
  });

  it('drops what is not a value of its key', () => {
    const params = new URLSearchParams(
      'state=failed&state=exploded&priority=urgent&sort=random&createdFrom=yesterday&runMin=soon&error=maybe',
    );
    expect(searchFromParams(params)).toEqual({ states: ['failed'] });
  });

  it('makes a link, and compares searches whatever their order', () => {
    expect(searchUrl({})).toBe('/search');
    expect(searchUrl({ q: 'smtp' })).toBe('/search?q=smtp');
    expect(sameSearch({ states: ['failed'], q: 'abc' }, { q: 'abc', states: ['failed'] })).toBe(true);
    expect(sameSearch({ q: 'abc' }, { q: 'abcd' })).toBe(false);
  });

  it('sorts by a column, then the other way', () => {
    expect(sortBy({}, 'created')).toEqual({ sort: 'created', order: 'asc' });
    expect(sortBy({}, 'attempts')).toEqual({ sort: 'attempts', order: 'desc' });
    expect(sortBy({ sort: 'attempts', order: 'desc' }, 'attempts')).toEqual({ sort: 'attempts', order: 'asc' });
    expect(sortBy({}, 'type')).toEqual({ sort: 'type', order: 'asc' });
  });

  it('says the total exactly, or roughly when estimated', () => {
    expect(totalText({ count: 1234, exact: true })).toBe('1,234 jobs');
    expect(totalText({ count: 1, exact: true })).toBe('1 job');
    expect(totalText({ count: 1_234_567, exact: false })).toBe('about 1.2M jobs (estimated)');
  });
});
