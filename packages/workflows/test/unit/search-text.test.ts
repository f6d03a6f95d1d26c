import { describe, expect, it } from 'vitest';
import { jobSearch } from '../../src/control/search/filter';
import { containsPattern, MAX_TERMS, parseSearchText } from '../../src/control/search/text';
import { SEARCHABLE_INPUT_CHARS, searchableInput } from '../../src/runtime/search-text';

describe('the search syntax', () => {
  it('reads words, phrases, fields and exclusions', () => {
    expect(parseSearchText('acme-42 "HTTP 503" error:timeout -by:alice input:"two words"')).toEqual({
      terms: [
        { text: 'acme-42', field: undefined, exclude: false },
        { text: 'HTTP 503', field: undefined, exclude: false },
        { text: 'timeout', field: 'error', exclude: false },
        { text: 'alice', field: 'by', exclude: true },
        { text: 'two words', field: 'input', exclude: false },
      ],
    });
  });

  it('takes a colon that names no field as part of the word', () => {
    expect(parseSearchText('https://hooks.example.test/x Error:Boom')).toEqual({
      terms: [
        { text: 'https://hooks.example.test/x', field: undefined, exclude: false },
        { text: 'Boom', field: 'error', exclude: false },
      ],
    });
    expect(parseSearchText('customer:acme')).toEqual({
      terms: [{ text: 'customer:acme', field: undefined, exclude: false }],
    });
  });

  it('says what is wrong instead of guessing', () => {
    expect(parseSearchText('ab')).toMatchObject({ problem: expect.stringContaining('"ab" is too short') });
    expect(parseSearchText('"not closed')).toMatchObject({ problem: expect.stringContaining('not closed') });
    expect(parseSearchText('error:')).toMatchObject({ problem: 'error: needs something to find after it' });
    expect(parseSearchText(Array.from({ length: MAX_TERMS + 1 }, (_, i) => `term${i}`).join(' '))).toMatchObject({
      problem: `at most ${MAX_TERMS} terms`,
    });
    // A short excluded term reads no index, so it is allowed.
    expect(parseSearchText('acme -ab')).toEqual({
      terms: [
        { text: 'acme', field: undefined, exclude: false },
        { text: 'ab', field: undefined, exclude: true },
      ],
    });
  });

  it('treats %, _ and backslashes as themselves', () => {
    expect(containsPattern('100%_done\\')).toBe('%100\\%\\_done\\\\%');
  });

  it('refuses a filter it does not know, and names the bad one', () => {
    const unknown = jobSearch.safeParse({ state: 'failed' });
    expect(unknown.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['state'] });
    const range = jobSearch.safeParse({ runMs: { min: 10, max: 5 } });
    expect(range.error?.issues[0]).toMatchObject({ path: ['runMs'], message: 'runMs: min must not be above max' });
    const text = jobSearch.safeParse({ q: 'ok "open' });
    expect(text.error?.issues[0]?.path).toEqual(['q']);
    const dates = jobSearch.safeParse({ created: { from: '2026-11-29T10:00:00Z', to: '2026-11-28T10:00:00Z' } });
    expect(dates.error?.issues[0]).toMatchObject({ path: ['created'] });
  });
});

describe('the input text search reads', () => {
  it('holds keys and values and none of the secrets', () => {
    const text = searchableInput({
      customerId: 'acme-42',
      apiKey: 'sk_live_abcdef123456',
      url: 'https://hooks.example.test/in?access_token=tok-9f8e7d6c5b4a',
      headers: { Authorization: 'Bearer abcdefghijklmnop', 'X-Trace': 'trace-77' },
      items: [{ sku: 'widget-1', password: 'hunter2-hunter2' }],
    });
    expect(text.split('\n')).toEqual([
      'customerId',
      'acme-42',
      'url',
      'https://hooks.example.test/in?access_token=',
      'headers',
      'X-Trace',
      'trace-77',
      'items',
      'sku',
      'widget-1',
    ]);
    for (const secret of ['sk_live', 'tok-9f8e', 'abcdefghijklmnop', 'hunter2', 'redacted'])
      expect(text).not.toContain(secret);
  });

  it('is bounded, whatever the input', () => {
    const text = searchableInput({ rows: Array.from({ length: 5_000 }, (_, i) => `row-${i}`) });
    expect(text.length).toBeLessThanOrEqual(SEARCHABLE_INPUT_CHARS);
    expect(searchableInput(null)).toBe('');
    expect(searchableInput('plain')).toBe('plain');
  });
});
