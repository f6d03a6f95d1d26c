// The dashboard's dev server serves the dashboard's sources and nothing else of the repository.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { raw } from './support';

const web = (process.env.JOBDECK_TEST_WEB_URL ?? '').replace(/\/$/, '');
const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('the Vite dev server', () => {
  it.each([
    [
      'a file of the run folder under .data (Temporal state, secrets)',
      () => `/@fs${process.env.JOBDECK_WORKFLOW_BUNDLE}?raw`,
    ],
    ['the API source', () => `/@fs${repo}apps/api/src/config.ts?raw`],
    ['the repository manifest', () => `/@fs${repo}package.json?raw`],
    ['a system file', () => '/@fs/etc/passwd?raw'],
    ['a path climbing out of the dashboard', () => `/@fs${repo}apps/web/../../.data/test?raw`],
    ['the Prisma schema', () => `/@fs${repo}packages/db/prisma/schema.prisma?raw`],
  ])('refuses %s', async (_, path) => {
    expect(web).toBeTruthy();
    const answer = await raw(`${web}${path()}`);
    expect(answer.status).toBe(403);
    expect(answer.text).not.toMatch(/DATABASE_URL|root:x:0|"workspaces"|generator client/);
  });

  it('still serves the dashboard and the two shared files it imports', async () => {
    expect((await raw(`${web}/`)).status).toBe(200);
    expect((await raw(`${web}/src/main.tsx`)).status).toBe(200);
    expect((await raw(`${web}/@fs${repo}apps/api/src/client.ts`)).status).toBe(200);
    expect((await raw(`${web}/@fs${repo}packages/workflows/src/control/merge-input.ts`)).status).toBe(200);
  });

  it('sends the security headers', async () => {
    const { headers } = await raw(`${web}/`);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
