/**
 * The dashboard in Chromium, against a running API, worker and Temporal: sign in, read the
 * overview, enqueue a job from the form and watch it finish without a reload, see a bad input
 * refused field by field, and fit a phone screen.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminEmail, adminPassword, apiAs, launch, webUrl } from './support';

const JOB_TYPES = [
  'report.generate',
  'webhook.deliver',
  'data.sync',
  'maintenance.cleanup',
  'maintenance.reconcile',
  'maintenance.stuck-check',
  'bulk.action',
  'jobs.export',
  'alerts.evaluate',
  'alerts.notify',
  'flow.run',
  'webhook.broadcast',
];
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  await mkdir(resultsDir, { recursive: true });
  ({ browser, context, page, pageErrors } = await launch());
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('dashboard', () => {
  it('shows the login page and signs in', async () => {
    await page.goto(webUrl);
    await page.getByTestId('login-form').waitFor();
    expect(page.url()).toContain('/login');
    // The dev hint names the login, never a password.
    expect(await page.content()).not.toContain(adminPassword);

    await page.getByTestId('login-email').fill(adminEmail);
    await page.getByTestId('login-password').fill(adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  }, 30_000);

  it('shows a card per job type and the health of the system', async () => {
    await page.getByTestId('type-card').first().waitFor();
    const names = await page
      .getByTestId('type-card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-name')));
    expect(names.sort()).toEqual([...JOB_TYPES].sort());
    for (const card of await page.getByTestId('type-card').all()) {
      for (const bucket of ['waiting', 'active', 'delayed', 'completed', 'failed']) {
        expect(await card.getByTestId(`count-${bucket}`).textContent()).toMatch(new RegExp(`^\\d+${bucket}$`));
      }
      expect(await card.getByTestId('card-status').textContent()).toMatch(/healthy|failing|degraded|running|idle/);
    }
    for (const service of ['temporal', 'postgres', 'redis', 'workers']) {
      await expect.poll(() => page.getByTestId(`health-${service}`).isVisible()).toBe(true);
    }
    expect(await page.getByTestId('health-temporal').textContent()).toMatch(/^Temporal: ok/);
    expect(await page.getByTestId('health-postgres').textContent()).toMatch(/^Postgres: ok/);
    expect(await page.getByTestId('queue-card').count()).toBeGreaterThan(0);
  }, 30_000);

  it('counts a job that ended on the overview within seconds, without a reload', async () => {
    const card = page.locator('[data-testid="type-card"][data-name="data.sync"]');
    const completed = async () => Number((await card.getByTestId('count-completed').textContent())!.replace(/\D/g, ''));
    const before = await completed();
    await apiAs(page, 'mutation', 'jobs.enqueue', { type: 'data.sync', input: { source: 'e2e.overview', records: 1 } });
    // The overview polls every 15 s when live: the job's end must show well before that.
    await expect.poll(completed, { timeout: 10_000, interval: 250 }).toBeGreaterThan(before);
  }, 30_000);

  it('refuses a bad input field by field and creates no job', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
    await page.getByTestId('enqueue-toggle').click();
    await page.getByTestId('enqueue-form').waitFor();
    await page.getByTestId('enqueue-type').selectOption('data.sync');
    await expect.poll(() => page.getByTestId('enqueue-input').inputValue()).toContain('crm.contacts'); // the type's example

    const since = Date.now();
    await page
      .getByTestId('enqueue-input')
      .fill(JSON.stringify({ source: 'e2e-invalid', records: -5, batchSize: 10, throttleMs: 300 }));
    const answer = page.waitForResponse((response) => response.url().includes('jobs.enqueue'));
    await page.getByTestId('enqueue-submit').click();
    expect((await answer).status()).toBe(400);

    const fieldError = page.getByTestId('field-error-input');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('input.records');
    expect(await page.getByTestId('enqueue-success').count()).toBe(0);

    // Nothing new among the data.sync jobs carries that input.
    const { items } = await apiAs<{ items: Array<{ id: string; createdAt: string | null }> }>(
      page,
      'query',
      'jobs.list',
      {
        type: 'data.sync',
        limit: 50,
      },
    );
    const recent = items.filter((job) => job.createdAt && Date.parse(job.createdAt) >= since - 1_000);
    for (const job of recent) {
      const detail = await apiAs<{ input: { source?: string } }>(page, 'query', 'jobs.get', { id: job.id });
      expect(detail.input?.source).not.toBe('e2e-invalid');
    }
  }, 30_000);

  it('enqueues a data.sync job and shows it finish without a reload', async () => {
    await page
      .getByTestId('enqueue-input')
      .fill(JSON.stringify({ source: 'e2e', records: 60, batchSize: 10, throttleMs: 300 }));
    await page.getByTestId('enqueue-submit').click();
    const link = page.getByTestId('enqueue-job-link');
    await link.waitFor();
    expect(await page.getByTestId('field-error-input').count()).toBe(0);
    const jobId = (await link.textContent())!.trim();
    expect(jobId).toMatch(/^data\.sync-/);

    // The new job shows up in the table by itself.
    await page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`).waitFor({ timeout: 20_000 });

    await link.click();
    await page.getByTestId('job-page').waitFor();
    expect(await page.getByTestId('job-id').textContent()).toBe(jobId);

    // No page.reload(): live updates (or polling) must carry the job to its end.
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 60_000, interval: 500 })
      .toBe('completed');
    expect(await page.getByTestId('job-state').textContent()).toBe('completed');

    const progress = page.getByTestId('job-progress');
    await expect.poll(() => progress.getAttribute('data-percent'), { timeout: 10_000 }).toBe('100');
    expect(await progress.textContent()).toContain('100%');
    expect(await page.getByTestId('job-steps').textContent()).toBe('6/6');

    await expect.poll(() => page.getByTestId('log-entry').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('job-logs').textContent()).toContain('syncing 60 records from e2e');

    const temporalLink = page.getByTestId('temporal-ui-link');
    expect(await temporalLink.getAttribute('target')).toBe('_blank');
    expect(await temporalLink.getAttribute('rel')).toContain('noopener');
    expect(await page.getByTestId('describe-command').textContent()).toContain(`--workflow-id ${jobId}`);

    await page.screenshot({ path: `${resultsDir}dashboard-job.png`, fullPage: true });
  }, 90_000);

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(webUrl);
    await page.getByTestId('type-card').first().waitFor();
    await page.getByTestId('health-badges').waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await overflow()).toBeLessThanOrEqual(375 + 1);
    await page.screenshot({ path: `${resultsDir}dashboard-phone-overview.png`, fullPage: true });

    // The navigation folds into a menu button.
    expect(await page.getByRole('link', { name: 'Jobs', exact: true }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByTestId('jobs-table').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(375 + 1);
  }, 30_000);

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
