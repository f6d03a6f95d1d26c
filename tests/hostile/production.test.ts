// What a production install must not get wrong: who the client is, the first admin, the defaults.
import { describe, expect, it } from 'vitest';
import { ensureAdmin, loadApiConfig } from '@jobdeck/api';
import { loadWorkerConfig } from '@jobdeck/worker';
import { db, env, login } from '../support/harness';
import { apiInstance, call } from './support';

describe('the client address', () => {
  async function auditedAddress(baseUrl: string, localAddress: string, forwardedFor: string): Promise<string | null> {
    const marker = `xff-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
    const answer = await call(baseUrl, 'auth.login', {
      input: { email: marker, password: 'not-the-password' },
      localAddress,
      headers: { 'x-forwarded-for': forwardedFor },
    });
    expect(answer.status).toBe(401);
    return (await db.auditLog.findFirst({ where: { actor: marker } }))?.ip ?? null;
  }

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    expect(await auditedAddress(env.apiUrl, '127.0.0.21', '203.0.113.9')).toMatch(/127\.0\.0\.21$/);
  });

  it('takes the address a trusted proxy adds, and nothing the client wrote before it', async () => {
    const api = await apiInstance({ JOBDECK_TRUSTED_PROXIES: '127.0.0.22' });
    try {
      expect(await auditedAddress(api.url, '127.0.0.22', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
      expect(await auditedAddress(api.url, '127.0.0.23', '203.0.113.9')).toMatch(/127\.0\.0\.23$/);
    } finally {
      await api.close();
    }
  });

  it('refuses a malformed proxy list at start', () => {
    expect(() => loadApiConfig({ ...process.env, JOBDECK_TRUSTED_PROXIES: 'not-an-address' })).toThrow(
      /JOBDECK_TRUSTED_PROXIES/,
    );
  });
});

describe('the first admin', () => {
  it('is created once: the configured password is not applied again at start, so a reset survives restarts', async () => {
    const result = await ensureAdmin(db, env.adminEmail, 'a brand new password that nobody set');
    expect(result).toEqual({ email: env.adminEmail, password: null, created: false });
    await expect(login(env.adminEmail, env.adminPassword)).resolves.toMatch(/^jd_s_/);
  });
});

describe('production refuses to start', () => {
  const production = { ...process.env, NODE_ENV: 'production' };
  it.each([
    ['change-me-now', /published default/],
    ['password123', /too easy to guess/],
    ['admin@localhost-1', /too easy to guess/],
  ])('with the admin password %j', (password, message) => {
    expect(() => loadApiConfig({ ...production, JOBDECK_ADMIN_PASSWORD: password })).toThrow(message);
  });

  it('starts with a strong one', () => {
    expect(loadApiConfig({ ...production, JOBDECK_ADMIN_PASSWORD: 'umbrella quarry violin tundra' }).production).toBe(
      true,
    );
  });

  it('without the webhook signing key on the worker', () => {
    expect(() => loadWorkerConfig({ ...production, JOBDECK_WEBHOOK_SECRET: '' })).toThrow(
      /JOBDECK_WEBHOOK_SECRET is required in production/,
    );
    expect(loadWorkerConfig({ ...production }).production).toBe(true);
  });

  it('without an encryption key, in any mode', () => {
    expect(() => loadApiConfig({ ...process.env, JOBDECK_ENCRYPTION_KEYS: '' })).toThrow(
      /JOBDECK_ENCRYPTION_KEYS is required/,
    );
    expect(() => loadWorkerConfig({ ...process.env, JOBDECK_ENCRYPTION_KEYS: '' })).toThrow(
      /JOBDECK_ENCRYPTION_KEYS is required/,
    );
  });
});

describe('the API answers', () => {
  it('carry security headers and are never cached', async () => {
    const answers = [await fetch(`${env.apiUrl}/healthz`), await fetch(`${env.apiUrl}/trpc/jobs.stats`)];
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });
});
