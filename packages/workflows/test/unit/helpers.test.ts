import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED } from '../../src/runtime/redact';
import { signPayload } from '../../src/jobs/webhook-deliver/activities';
import { toCsv } from '../../src/jobs/report-generate/activities';
import { sourceRecord } from '../../src/jobs/data-sync/activities';

describe('redactSecrets', () => {
  it('hides secret-looking fields at any depth and keeps the rest', () => {
    const input = { url: 'https://x', headers: { Authorization: 'Bearer abc', 'X-Trace': '1' }, nested: [{ apiKey: 'k', password: 'p', name: 'n' }], token: null };
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
  it('are HMAC-SHA256 of "<timestamp>.<body>", as a receiver recomputes them', () => {
    const body = JSON.stringify({ event: 'order.paid' });
    const expected = createHmac('sha256', 'secret').update(`1700000000.${body}`).digest('hex');
    expect(signPayload('secret', 1700000000, body)).toBe(`t=1700000000,v1=${expected}`);
  });
});

describe('report CSV', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    const csv = toCsv([{ group: '=cmd|calc', total: 2, completed: 1, failed: 1, cancelled: 0, avgDurationMs: 10, p95DurationMs: null }, { group: 'a,"b"', total: 1, completed: 1, failed: 0, cancelled: 0, avgDurationMs: null, p95DurationMs: null }]);
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
