// The dashboard downloads an export with a plain link, so that the browser saves the file as it
// arrives: the session goes along as the HttpOnly cookie scoped to /exports/. That cookie opens
// downloads and nothing else (tRPC never takes it), and a HEAD check reads no rows and writes no audit.
import { createJobdeckClient } from '@jobdeck/api/client';
import { describe, expect, it } from 'vitest';
import { db, env } from '../support/harness';

async function loginCookies(): Promise<{ token: string; cookies: string[] }> {
  const response = await fetch(`${env.apiUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  const body = (await response.json()) as { result: { data: { token: string } } };
  return { token: body.result.data.token, cookies: response.headers.getSetCookie() };
}

describe('the session cookie for downloads', () => {
  it('is set for /codec and /exports/ only, HttpOnly and SameSite=Strict', async () => {
    const { token, cookies } = await loginCookies();
    expect(cookies.map((cookie) => /Path=([^;]+)/.exec(cookie)?.[1]).sort()).toEqual(['/codec', '/exports/']);
    for (const cookie of cookies) {
      expect(cookie).toContain(`jobdeck_session=${token}`);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
    }
  });

  it('downloads with the cookie alone; HEAD checks the link without an audit row; tRPC refuses the cookie', async () => {
    const { token } = await loginCookies();
    const cookie = `jobdeck_session=${token}`;
    const client = createJobdeckClient({ url: env.apiUrl, token });
    const answer = await client.exports.create.mutate({
      search: { types: ['no.such-type-for-cookie-test'] },
      format: 'csv',
      fields: ['id', 'state'],
    });
    if (answer.mode !== 'download') throw new Error(`expected a direct download, got ${answer.mode}`);
    const audited = () => db.auditLog.count({ where: { action: 'exports.download' } });
    const before = await audited();

    const head = await fetch(`${env.apiUrl}${answer.url}`, { method: 'HEAD', headers: { cookie } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toMatch(/^attachment; filename="jobs-[0-9-]+\.csv"$/);
    expect(await audited()).toBe(before);

    const file = await fetch(`${env.apiUrl}${answer.url}`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect((await file.text()).trim()).toBe('id,state');
    expect(await audited()).toBe(before + 1);

    // Without the cookie (or any credential) the same link is refused, HEAD included.
    expect((await fetch(`${env.apiUrl}${answer.url}`, { method: 'HEAD' })).status).toBe(401);
    // The cookie is no credential for the API itself: no CSRF through it.
    const trpc = await fetch(`${env.apiUrl}/trpc/auth.me`, { headers: { cookie } });
    expect(trpc.status).toBe(401);
  });
});
