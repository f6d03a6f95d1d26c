import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED } from '../../src/runtime/redact';
import { signWebhook } from '../../src/outbound/signature';
import { toCsv } from '../../src/jobs/report-generate/activities';
import { sourceRecord } from '../../src/jobs/data-sync/activities';

describe('redactSecrets', () => {
  it('hides secret-looking fields at any depth and keeps the rest', () => {
    const input = {
      url: 'https://x',
      headers: { Authorization: 'Bearer abc', 'X-Trace': '1' },
      nested: [{ apiKey: 'k', password: 'p', name: 'n' }],
      token: null,
    };
    expect(redactSecrets(input)).toEqual({
      url: 'https://x',
      headers: { Authorization: REDACTED, 'X-Trace': '1' },
      nested: [{ apiKey: REDACTED, password: REDACTED, name: 'n' }],
      token: null,
    });
    expect(input.headers.Authorization).toBe('Bearer abc');
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 of "<timestamp>.<delivery id>.<url>.<body>", as a receiver recomputes them', () => {
    const body = JSON.stringify({ event: 'order.paid' });
    const url = 'https://hooks.example.com/orders';
    const expected = createHmac('sha256', 'secret').update(`1700000000.webhook.deliver-1.${url}.${body}`).digest('hex');
    expect(signWebhook('secret', { timestamp: 1700000000, deliveryId: 'webhook.deliver-1', url, body })).toBe(
      `t=1700000000,v2=${expected}`,
    );
  });

  it('differ for another receiver URL or another delivery, so a request cannot be replayed elsewhere', () => {
    const delivery = { timestamp: 1700000000, deliveryId: 'd-1', url: 'https://a.example.com/hook', body: '{}' };
    const original = signWebhook('secret', delivery);
    expect(signWebhook('secret', { ...delivery, url: 'https://b.example.com/hook' })).not.toBe(original);
    expect(signWebhook('secret', { ...delivery, deliveryId: 'd-2' })).not.toBe(original);
    expect(signWebhook('other secret', delivery)).not.toBe(original);
  });

  it('sign the URL as it is sent: normalised, without the fragment', () => {
    const delivery = { timestamp: 1, deliveryId: 'd', body: '{}' };
    expect(signWebhook('s', { ...delivery, url: 'HTTPS://Hooks.Example.com:443/a#frag' })).toBe(
      signWebhook('s', { ...delivery, url: 'https://hooks.example.com/a' }),
    );
  });
});

describe('report CSV', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    const csv = toCsv([
      { group: '=cmd|calc', total: 2, completed: 1, failed: 1, cancelled: 0, avgDurationMs: 10, p95DurationMs: null },
      { group: 'a,"b"', total: 1, completed: 1, failed: 0, cancelled: 0, avgDurationMs: null, p95DurationMs: null },
    ]);
    expect(csv.split('\n')).toEqual([
      'group,total,completed,failed,cancelled,avg_duration_ms,p95_duration_ms',
      "'=cmd|calc,2,1,1,0,10,",
      '"a,""b""",1,1,0,0,,',
      '',
    ]);
  });
});

describe('data.sync source records', () => {
  it('are the same every time, so a sync can be verified', () => {
    expect(sourceRecord('crm', 7)).toEqual(sourceRecord('crm', 7));
    expect(sourceRecord('crm', 7).checksum).not.toBe(sourceRecord('crm', 8).checksum);
  });
});
