import { describe, expect, it } from 'vitest';
import { webhookDeliverInput } from '../../src/jobs/webhook-deliver/index';
import { keptResponseBody, parseWebhookSecrets, signingSecret } from '../../src/outbound';

describe('webhook signing secrets', () => {
  it('reads the default and the named per-endpoint keys (a key may contain "=")', () => {
    expect(parseWebhookSecrets('default-key', ' partner=p4rtner-key , billing=abc==')).toEqual({
      default: 'default-key',
      named: { partner: 'p4rtner-key', billing: 'abc==' },
    });
    expect(parseWebhookSecrets(null, '')).toEqual({ default: null, named: {} });
  });

  it('says what is wrong by position or name, never showing a key', () => {
    let message = '';
    try {
      parseWebhookSecrets('d', 'Partner=topsecret1,novalue=,=topsecret2,ok=x,ok=topsecret3');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'JOBDECK_WEBHOOK_SECRETS: entry 1 needs a name=secret form with a lower-case name (a-z, 0-9, _ and -, at most 32); ' +
        '"novalue" has an empty secret; entry 3 needs a name=secret form with a lower-case name (a-z, 0-9, _ and -, at most 32); "ok" is given twice',
    );
    expect(message).not.toMatch(/topsecret/);
  });

  it('picks the key a delivery names, and explains a missing one without revealing any', () => {
    const secrets = parseWebhookSecrets('default-key', 'partner=partner-key');
    expect(signingSecret(secrets, undefined)).toEqual({ secret: 'default-key' });
    expect(signingSecret(secrets, 'partner')).toEqual({ secret: 'partner-key' });
    expect(signingSecret(secrets, 'crm')).toEqual({
      problem: 'no webhook secret named "crm" in the worker\'s JOBDECK_WEBHOOK_SECRETS',
    });
    // Names that exist on every object must not find something that is not a key.
    expect(signingSecret(secrets, 'constructor')).toHaveProperty('problem');
    expect(signingSecret(parseWebhookSecrets(null, ''), undefined)).toEqual({
      problem: 'JOBDECK_WEBHOOK_SECRET is not set on the worker',
    });
  });
});

describe('webhook.deliver input', () => {
  const base = { url: 'https://hooks.example.com/orders', payload: { event: 'x' } };

  it.each([
    'Content-Type',
    'content-length',
    'Transfer-Encoding',
    'Connection',
    'Host',
    'X-Jobdeck-Signature',
    'x-jobdeck-delivery',
  ])('refuses a %s header, which Jobdeck sets itself', (name) => {
    const parsed = webhookDeliverInput.safeParse({ ...base, headers: { [name]: 'v' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([
      expect.objectContaining({
        path: ['headers', name],
        message: `header "${name}" is set by Jobdeck and cannot be given`,
      }),
    ]);
  });

  it('accepts other headers, and refuses line breaks in their values', () => {
    expect(
      webhookDeliverInput.safeParse({ ...base, headers: { Authorization: 'Bearer x', 'X-Trace': '1' } }).success,
    ).toBe(true);
    const injected = webhookDeliverInput.safeParse({
      ...base,
      headers: { 'X-Trace': '1\r\nX-Jobdeck-Delivery: forged' },
    });
    expect(injected.error?.issues[0]?.message).toMatch(/line breaks/);
  });

  it('takes a lower-case secretName, and refuses other spellings', () => {
    expect(webhookDeliverInput.parse({ ...base, secretName: 'partner' }).secretName).toBe('partner');
    expect(webhookDeliverInput.safeParse({ ...base, secretName: 'Partner Key' }).error?.issues[0]?.path).toEqual([
      'secretName',
    ]);
  });

  it('answers a URL that does not parse with the url rule alone', () => {
    const parsed = webhookDeliverInput.safeParse({ ...base, url: 'not a url' });
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['url'], 'url must be an http or https URL'],
    ]);
  });

  it('refuses credentials in the URL, which would be signed and shown', () => {
    const parsed = webhookDeliverInput.safeParse({ ...base, url: 'https://user:pass@hooks.example.com/' });
    expect(parsed.error?.issues[0]?.message).toMatch(/send credentials in headers/);
  });
});

describe('response bodies kept on a webhook job', () => {
  it('redact secret fields of JSON by name', () => {
    expect(
      JSON.parse(keptResponseBody(JSON.stringify({ ok: true, access_token: 'abc123', nested: { refreshToken: 'r' } }))),
    ).toEqual({
      ok: true,
      access_token: '[redacted]',
      nested: { refreshToken: '[redacted]' },
    });
  });

  it('redact key=value secrets in text', () => {
    const kept = keptResponseBody('accepted; token=abc123def&id=7');
    expect(kept).not.toContain('abc123def');
    expect(kept).toContain('id=7');
  });

  it('cap the body at 1 KiB, redacting before cutting so that a cut JSON body is still redacted', () => {
    const body = JSON.stringify({ access_token: 'abc123', filler: 'é'.repeat(5000) });
    const kept = keptResponseBody(body);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(1024);
    expect(kept).toMatch(/…\[truncated\]$/);
    expect(kept).not.toContain('abc123');
    expect(kept).not.toContain('\uFFFD');
  });

  it('mark a body the client already cut, and redact what it can read of it', () => {
    const kept = keptResponseBody('{"access_token": "abc123", "n": 1', true);
    expect(kept).toMatch(/…\[truncated\]$/);
    expect(kept).not.toContain('abc123');
  });
});
