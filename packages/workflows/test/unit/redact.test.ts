import { describe, expect, it } from 'vitest';
import { isSecretKey, keepRedactedSecrets, REDACTED, redactSecrets, redactText } from '../../src/runtime/redact';

describe('secret field names', () => {
  it.each([
    'password',
    'Password',
    'pwd',
    'passwd',
    'pass',
    'dbPassword',
    'user_pass',
    'passphrase',
    'token',
    'access_token',
    'refreshToken',
    'X-Session',
    'sessionId',
    'session',
    'secret',
    'client_secret',
    'apiKey',
    'api-key',
    'X-Api-Key',
    'accessKey',
    'AWS_SECRET_ACCESS_KEY',
    'privateKey',
    'signingKey',
    'Authorization',
    'authorization',
    'Proxy-Authorization',
    'X-Auth',
    'x_auth',
    'auth',
    'basicAuth',
    'authKey',
    'bearer',
    'Cookie',
    'Set-Cookie',
    'credentials',
    'signature',
    'X-Hub-Signature',
    'jwt',
    'otp',
    'sig',
  ])('%s is a secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each([
    'author',
    'authored',
    'name',
    'email',
    'url',
    'records',
    'idempotencyKey',
    'key',
    'type',
    'queue',
    'state',
    'description',
    'code',
  ])('%s is not', (key) => expect(isSecretKey(key)).toBe(false));
});

describe('redactSecrets', () => {
  const cases: Array<[string, unknown, unknown]> = [
    [
      'a header',
      { headers: { Authorization: 'Bearer abc.def', 'X-Request-Id': 'r1' } },
      { headers: { Authorization: REDACTED, 'X-Request-Id': 'r1' } },
    ],
    [
      'X-Auth and X-Session headers',
      { 'X-Auth': 'k', 'X-Session': 's', Accept: 'json' },
      { 'X-Auth': REDACTED, 'X-Session': REDACTED, Accept: 'json' },
    ],
    [
      'pwd, bearer, accessKey',
      { pwd: 'p', bearer: 'b', accessKey: 'a', user: 'u' },
      { pwd: REDACTED, bearer: REDACTED, accessKey: REDACTED, user: 'u' },
    ],
    [
      'a nested password',
      { payload: { account: { password: 'hunter2' } } },
      { payload: { account: { password: REDACTED } } },
    ],
    ['secrets in arrays', [{ token: 't' }, { ok: 1 }], [{ token: REDACTED }, { ok: 1 }]],
    [
      'a URL query parameter',
      { url: 'https://x.test/h?access_token=abc123&page=2' },
      { url: `https://x.test/h?access_token=${REDACTED}&page=2` },
    ],
    [
      'a password in a URL',
      { url: 'postgres://app:s3cret@db:5432/app' },
      { url: `postgres://app:${REDACTED}@db:5432/app` },
    ],
    [
      'a bearer token inside text',
      { note: 'call with Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl' },
      { note: `call with Bearer ${REDACTED}` },
    ],
    [
      'a Jobdeck token anywhere',
      { note: 'leaked jd_t_abcdefghijklmnopqrstuvwx here' },
      { note: `leaked ${REDACTED} here` },
    ],
    ['empty and null secrets stay as they are', { password: '', token: null }, { password: '', token: null }],
    ['numbers and booleans', { records: 5, ok: true, password: 1234 }, { records: 5, ok: true, password: REDACTED }],
  ];
  it.each(cases)('hides %s', (_, input, expected) => expect(redactSecrets(input)).toEqual(expected));

  it('hides whatever is nested deeper than its limit, instead of showing it', () => {
    let deep: Record<string, unknown> = { password: 'hunter2', apiKey: 'k' };
    for (let level = 0; level < 40; level++) deep = { level: deep };
    expect(JSON.stringify(redactSecrets(deep))).not.toMatch(/hunter2|"k"/);
    expect(JSON.stringify(redactSecrets(deep))).toContain('nested deeper than');
  });

  it('does not change its argument', () => {
    const input = { headers: { Authorization: 'Bearer x' } };
    redactSecrets(input);
    expect(input.headers.Authorization).toBe('Bearer x');
  });
});

describe('redactText', () => {
  it.each([
    ['token=abc&x=1', `token=${REDACTED}&x=1`],
    ['password: hunter2, user: ann', `password: ${REDACTED}, user: ann`],
    ['{"access_token":"abc","expires_in":3600}', `{"access_token":"${REDACTED}","expires_in":3600}`],
    [
      'X-Amz-Signature=0a1b2c&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP',
      `X-Amz-Signature=${REDACTED}&X-Amz-Credential=${REDACTED}`,
    ],
    ['key sk_live_abcdefgh1234 and ghp_abcdefghijklmnopqrstuvwxyz', `key ${REDACTED} and ${REDACTED}`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '[redacted private key]'],
    ['nothing to hide: 127.0.0.1:8080 answered 500', 'nothing to hide: 127.0.0.1:8080 answered 500'],
    [
      "Jobdeck's own names: requested by token:billing, schedule:sched-nightly",
      "Jobdeck's own names: requested by token:billing, schedule:sched-nightly",
    ],
    ['{"token": "abc"}', `{"token": "${REDACTED}"}`],
  ])('%j', (text, expected) => expect(redactText(text)).toBe(expected));
});

describe('keepRedactedSecrets', () => {
  it('keeps the stored secret where the edit still shows it redacted, and takes every real change', () => {
    const stored = { url: 'https://x.test', headers: { Authorization: 'Bearer real', 'X-Team': 'a' } };
    const edited = { url: 'https://y.test', headers: { Authorization: REDACTED, 'X-Team': 'b' } };
    expect(keepRedactedSecrets(edited, stored)).toEqual({
      url: 'https://y.test',
      headers: { Authorization: 'Bearer real', 'X-Team': 'b' },
    });
    expect(keepRedactedSecrets({ headers: { Authorization: 'Bearer new' } }, stored)).toEqual({
      headers: { Authorization: 'Bearer new' },
    });
  });
});

describe('keepRedactedSecrets inside strings', () => {
  it('keeps a URL whose query secret came back redacted and unchanged, and takes an edited URL', () => {
    const stored = { url: 'https://x.test/h?access_token=real&page=1', note: 'Bearer abcdefgh123' };
    const seen = redactSecrets(stored);
    expect(keepRedactedSecrets(seen, stored)).toEqual(stored);
    expect(keepRedactedSecrets({ ...seen, url: 'https://y.test/h?access_token=[redacted]&page=1' }, stored).url).toBe(
      'https://y.test/h?access_token=[redacted]&page=1',
    );
  });
});
