/**
 * The dashboard as production serves it: `vite build`, served with the production security headers
 * (the same set nginx sends, see apps/web/security-headers.ts), in Chromium. The strict
 * Content-Security-Policy must not break a single thing: no violation while signing in and reading.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { apiUrl, launch, signIn } from './support';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const vite = join(repo, 'node_modules', '.bin', 'vite');
const outDir = mkdtempSync(join(tmpdir(), 'jobdeck-dist-'));
let preview: ChildProcess | undefined;
let previewUrl = '';

beforeAll(async () => {
  const build = spawnSync(
    vite,
    ['build', '--config', 'apps/web/vite.config.ts', '--outDir', outDir, '--logLevel', 'error'],
    { cwd: repo, encoding: 'utf8' },
  );
  expect(build.status, build.stderr).toBe(0);
  const port = await freePort();
  previewUrl = `http://127.0.0.1:${port}`;
  preview = spawn(vite, ['preview', '--config', 'apps/web/vite.config.ts', '--outDir', outDir], {
    cwd: repo,
    env: { ...process.env, WEB_PORT: String(port), JOBDECK_API_URL: apiUrl },
    stdio: 'ignore',
  });
  for (
    let tries = 0;
    tries < 100 &&
    !(await fetch(previewUrl).then(
      (r) => r.ok,
      () => false,
    ));
    tries++
  )
    await new Promise((r) => setTimeout(r, 200));
}, 120_000);

afterAll(() => {
  preview?.kill();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('is served with the strict policy, and runs under it without a single violation, lazy pages included', async () => {
    const answer = await fetch(previewUrl);
    expect(answer.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(answer.headers.get('x-frame-options')).toBe('DENY');

    const { browser, page, pageErrors } = await launch();
    try {
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await signIn(page, previewUrl);
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
      // The Insight page is a lazy chunk with its charting library (canvas, styles set by script).
      await page.getByRole('link', { name: 'Insight', exact: true }).click();
      await page.getByRole('heading', { name: 'Insight', level: 1 }).waitFor();
      // Charts once there are jobs in the window (the suites before this one made some), else the empty state.
      await page.locator('canvas, [data-testid="trends-empty"]').first().waitFor();
      // The Alerts page is a lazy chunk too; the header's bell opens its list (a popper placed by script).
      await page.getByRole('link', { name: 'Alerts', exact: true }).click();
      await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
      await page.getByTestId('alert-bell').click();
      await page.getByTestId('alert-bell-menu').waitFor();
      await page.keyboard.press('Escape');
      expect(violations).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
