import { describe, expect, it } from 'vitest';
import { enqueueRequest, keyedJobId, newJobId } from '../../src/jobs/enqueue';

describe('enqueueRequest', () => {
  it('validates the input with the schema of the named job type and fills defaults', () => {
    const parsed = enqueueRequest.parse({ type: 'data.sync', input: { source: 'crm.contacts', records: 10 } });
    expect(parsed.input).toEqual({ source: 'crm.contacts', records: 10, batchSize: 100, throttleMs: 0 });
  });

  it('names the field that is wrong', () => {
    const result = enqueueRequest.safeParse({
      type: 'webhook.deliver',
      input: { url: 'ftp://x', payload: {} },
      options: { priority: 'urgent' },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.url', 'options.priority']));
  });

  it('lists the job types when the type is unknown', () => {
    const result = enqueueRequest.safeParse({ type: 'nope', input: {} });
    expect(result.error!.issues[0]!.message).toMatch(/type must be one of .*data\.sync/);
  });

  it('refuses unknown options, both delay forms at once, and oversized input', () => {
    expect(
      enqueueRequest.safeParse({ type: 'data.sync', input: { source: 'a', records: 1 }, options: { colour: 'red' } })
        .success,
    ).toBe(false);
    const both = enqueueRequest.safeParse({
      type: 'data.sync',
      input: { source: 'a', records: 1 },
      options: { delayMs: 1, runAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(both.error!.issues[0]!.message).toMatch(/not both/);
    const big = enqueueRequest.safeParse({
      type: 'webhook.deliver',
      input: { url: 'https://x.test/', payload: { blob: 'x'.repeat(300 * 1024) } },
    });
    expect(big.error!.issues.some((issue) => /larger than 256 KiB/.test(issue.message))).toBe(true);
  });
});

describe('job ids', () => {
  it('are readable: type, time, random suffix', () => {
    expect(newJobId('report.generate', new Date('2026-11-27T21:05:33Z'))).toMatch(
      /^report\.generate-20261127-210533-[0-9a-f]{6}$/,
    );
  });

  it('derive from an idempotency key, hashing keys that are not id-safe', () => {
    expect(keyedJobId('data.sync', 'order-42')).toBe('data.sync-key-order-42');
    expect(keyedJobId('data.sync', 'has spaces/and slashes')).toMatch(/^data\.sync-key-[0-9a-f]{32}$/);
  });
});
