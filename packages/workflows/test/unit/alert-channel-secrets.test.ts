// Alert channels' secrets at rest: sealed with the payload codec's current key, opened by key id
// (rotation), masked for every reader, and kept on update when left out or sent back masked.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isSealedSecret,
  maskChannelConfig,
  mergeChannelConfig,
  openChannelConfig,
  sealChannelConfig,
} from '../../src/alerts/channel-secrets';
import { parseEncryptionKeys } from '../../src/codec/keys';
import { redactSecrets, redactText } from '../../src/runtime/redact';

const key = () => randomBytes(32).toString('base64');
const oldKey = key();
const keys = parseEncryptionKeys(`k1:${oldKey}`);
const rotated = parseEncryptionKeys(`k2:${key()},k1:${oldKey}`);

const SLACK = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx';
const webhook = { url: 'https://example.com/hooks/alerts', headers: { 'X-Api-Token': 'tok-123456', 'X-Team': 'ops' } };

describe('alert channel secrets', () => {
  it('seal every secret field with the current key, leaving no trace of it in clear', () => {
    const stored = sealChannelConfig('slack', { webhookUrl: SLACK }, keys);
    expect(stored.webhookUrl).toMatchObject({ sealed: 'v1', keyId: 'k1' });
    expect(isSealedSecret(stored.webhookUrl)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('abcdefghijklmnop');
    expect(JSON.stringify(stored)).not.toContain('T0000AAAA');

    const hooks = sealChannelConfig('webhook', webhook, keys);
    expect(hooks.url).toBe(webhook.url);
    expect(JSON.stringify(hooks)).not.toContain('tok-123456');
    // A fresh IV each time: the same secret never seals to the same bytes.
    const again = sealChannelConfig('slack', { webhookUrl: SLACK }, keys);
    expect((again.webhookUrl as { data: string }).data).not.toBe((stored.webhookUrl as { data: string }).data);
  });

  it('open with the key that sealed, after rotation too, and refuse a missing key or altered data', () => {
    const stored = sealChannelConfig('webhook', webhook, keys);
    expect(openChannelConfig('webhook', stored, keys)).toEqual(webhook);
    expect(openChannelConfig('webhook', stored, rotated)).toEqual(webhook);
    // Sealed anew after rotation: with k2, which the old list cannot open.
    const resealed = sealChannelConfig('webhook', webhook, rotated);
    expect(resealed.headers).toMatchObject({ keyId: 'k2' });
    expect(() => openChannelConfig('webhook', resealed, keys)).toThrow(/key "k2".*not in JOBDECK_ENCRYPTION_KEYS/);

    const sealed = stored.headers as { data: string };
    const bytes = Buffer.from(sealed.data, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    const altered = { ...stored, headers: { ...sealed, data: bytes.toString('base64') } };
    expect(() => openChannelConfig('webhook', altered, keys)).toThrow(/does not open/);
    // A secret stored in clear was not written by Jobdeck: refused rather than used.
    expect(() => openChannelConfig('slack', { webhookUrl: SLACK }, keys)).toThrow(/unsealed/);
  });

  it('mask the Slack URL to its origin and header values to dots, for any reader', () => {
    const slack = maskChannelConfig('slack', sealChannelConfig('slack', { webhookUrl: SLACK }, keys));
    expect(slack).toEqual({ webhookUrl: 'https://hooks.slack.com/…/••••' });
    const hooks = maskChannelConfig('webhook', sealChannelConfig('webhook', webhook, keys));
    expect(hooks).toEqual({ url: webhook.url, headers: { 'X-Api-Token': '••••', 'X-Team': '••••' } });
    expect(maskChannelConfig('email', { to: ['a@example.com'] })).toEqual({ to: ['a@example.com'] });
    // Whatever was stored, a secret field is never answered in clear.
    expect(JSON.stringify(maskChannelConfig('slack', { webhookUrl: SLACK }))).not.toContain('abcdefghijklmnop');
  });

  it('merge an update: a secret left out or sent back masked keeps the stored one, a new one replaces it', () => {
    const stored = sealChannelConfig('slack', { webhookUrl: SLACK }, keys);
    const masked = maskChannelConfig('slack', stored) as { webhookUrl: string };
    const kept = mergeChannelConfig('slack', { webhookUrl: masked.webhookUrl }, stored, rotated);
    expect(openChannelConfig('slack', kept, rotated)).toEqual({ webhookUrl: SLACK });
    // Percent-encoded by a URL parser on the way back: still the mask.
    const encoded = mergeChannelConfig('slack', { webhookUrl: new URL(masked.webhookUrl).href }, stored, keys);
    expect(openChannelConfig('slack', encoded, keys)).toEqual({ webhookUrl: SLACK });
    const leftOut = mergeChannelConfig('slack', {} as never, stored, keys);
    expect(openChannelConfig('slack', leftOut, keys)).toEqual({ webhookUrl: SLACK });
    const other = `${SLACK.slice(0, -4)}zzzz`;
    const replaced = mergeChannelConfig('slack', { webhookUrl: other }, stored, rotated);
    expect(replaced.webhookUrl).toMatchObject({ keyId: 'k2' });
    expect(openChannelConfig('slack', replaced, rotated)).toEqual({ webhookUrl: other });
  });

  it('merge headers one by one: masked values keep theirs, edited and added ones are taken, removed ones go', () => {
    const stored = sealChannelConfig('webhook', webhook, keys);
    const merged = mergeChannelConfig(
      'webhook',
      { url: 'https://example.com/other', headers: { 'X-Api-Token': '••••', 'X-New': 'fresh' } },
      stored,
      keys,
    );
    expect(openChannelConfig('webhook', merged, keys)).toEqual({
      url: 'https://example.com/other',
      headers: { 'X-Api-Token': 'tok-123456', 'X-New': 'fresh' },
    });
    const withoutHeaders = mergeChannelConfig('webhook', { url: webhook.url }, stored, keys);
    expect(openChannelConfig('webhook', withoutHeaders, keys)).toEqual(webhook);
  });

  it('redact Slack incoming-webhook URLs wherever they appear in text or logs', () => {
    expect(redactText(`POST ${SLACK} failed`)).toBe('POST https://hooks.slack.com/[redacted] failed');
    expect(JSON.stringify(redactSecrets({ target: SLACK }))).not.toContain('B0000BBBB');
  });
});
