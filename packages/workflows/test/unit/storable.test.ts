import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_INPUT_DEPTH, toStorable } from '../../src/runtime/storable';

describe('findUnstorable', () => {
  it.each([
    ['a NUL in a string', { reason: 'stop\u0000now' }, ['reason'], /NUL/],
    ['a NUL deep in an array', { a: [{ b: ['ok', 'x\u0000'] }] }, ['a', 0, 'b', 1], /NUL/],
    ['a NUL in a key', { headers: { 'X-A\u0000': '1' } }, ['headers', 'X-A\u0000'], /key contains a NUL/],
    ['a lone high surrogate', { note: 'a\ud800b' }, ['note'], /surrogate/],
    ['a lone low surrogate', { note: '\udc00' }, ['note'], /surrogate/],
  ])('finds %s', (_, value, path, message) => {
    const problem = findUnstorable(value);
    expect(problem?.path).toEqual(path);
    expect(problem?.message).toMatch(message);
  });

  it('accepts what Postgres stores: emoji (paired surrogates), RTL marks, zero-width characters, U+2028', () => {
    expect(findUnstorable({ text: '😀 \u202e \u200b \u2028 é', n: 1, list: [null, true] })).toBeNull();
  });

  it('refuses nesting past the limit, wherever it is', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < MAX_INPUT_DEPTH + 1; level++) deep = [deep];
    expect(findUnstorable({ payload: deep })?.message).toMatch(/nested deeper/);
  });
});

describe('toStorable', () => {
  it('replaces what cannot be stored, in values and keys, and leaves the rest', () => {
    expect(toStorable({ 'k\u0000': 'a\u0000b\ud800', ok: '😀', n: 2 })).toEqual({
      'k\ufffd': 'a\ufffdb\ufffd',
      ok: '😀',
      n: 2,
    });
  });
});
