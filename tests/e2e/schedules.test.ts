/**
 * Schedules in the dashboard: create one (a bad cron expression is refused line by line first),
 * trigger it, and follow the run to completed; then delete it with confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiAs, launch, signIn, webUrl } from './support';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
const name = `E2E schedule ${Date.now().toString(36)}`;
const scheduleId = `sched-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

beforeAll(async () => {
  ({ browser, context, page, pageErrors } = await launch());
  await signIn(page);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('schedules in the dashboard', () => {
  it('lists the built-in maintenance schedules', async () => {
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await page.getByRole('heading', { name: 'Schedules', exact: true }).waitFor();
    await page.locator('[data-testid="schedule-row"][data-schedule-id="sched-maintenance-stuck-check"]').waitFor();
    const row = page.locator('[data-testid="schedule-row"][data-schedule-id="sched-maintenance-stuck-check"]');
    expect(await row.textContent()).toContain('Every 10 minutes');
    await page.getByTestId('templates-section').waitFor();
  }, 30_000);

  it('refuses a bad cron expression, then creates the schedule', async () => {
    await page.getByTestId('schedule-new').click();
    await page.getByTestId('schedule-form').waitFor();
    await page.getByTestId('schedule-name').fill(name);
    await page.getByTestId('schedule-type').selectOption('data.sync');
    await page.getByTestId('schedule-timezone').fill('UTC');
    await page.getByTestId('schedule-input').fill(JSON.stringify({ source: 'e2e.schedule', records: 3, batchSize: 3 }));
    await page.getByTestId('schedule-cron').fill('61 * * * *');
    await page.getByTestId('schedule-save').click();
    const cronError = page.getByTestId('schedule-error-cron');
    await cronError.waitFor();
    expect(await cronError.textContent()).toContain('minute "61" is out of range');
    expect(new URL(page.url()).pathname).toBe('/schedules');

    await page.getByTestId('schedule-cron').fill('0 0 1 1 *');
    await expect
      .poll(() => page.getByTestId('schedule-cron-words').first().textContent(), { timeout: 10_000 })
      .toContain('January');
    await page.getByTestId('schedule-save').click();
    await page.getByTestId('schedule-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/schedules/${scheduleId}`);
    expect(await page.getByTestId('schedule-title').textContent()).toBe(name);
    expect(await page.getByTestId('schedule-status').textContent()).toContain('active');
    await page.getByTestId('schedule-next-runs').waitFor();
  }, 60_000);

  it('triggers it and shows the run reach completed', async () => {
    await page.getByTestId('schedule-trigger').click();
    const run = page.getByTestId('schedule-run').first();
    await run.waitFor({ timeout: 30_000 });
    const jobId = await run.getAttribute('data-job-id');
    expect(jobId).toMatch(new RegExp(`^data\\.sync-${scheduleId}-`));
    await run.getByRole('link').click();
    await page.getByTestId('job-page').waitFor();
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 60_000, interval: 500 })
      .toBe('completed');
    expect(await page.getByTestId('job-schedule').textContent()).toBe(scheduleId);

    await page.getByTestId('job-schedule').click();
    await page.getByTestId('schedule-page').waitFor();
    await expect
      .poll(() => page.locator(`[data-testid="schedule-run"][data-job-id="${jobId}"]`).textContent(), {
        timeout: 30_000,
      })
      .toContain('completed');
  }, 120_000);

  it('fits a phone screen and deletes the schedule after confirmation', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(376);
    await page.getByTestId('schedule-delete').click();
    const confirm = page.getByTestId('schedule-delete-dialog');
    await confirm.waitFor();
    expect(await confirm.getAttribute('role')).toBe('dialog');
    expect((await confirm.boundingBox())!.width).toBeLessThanOrEqual(375);
    await confirm.getByTestId('dialog-confirm').click();
    await page.waitForURL(`${webUrl}/schedules`);
    await expect
      .poll(() => page.locator(`[data-testid="schedule-row"][data-schedule-id="${scheduleId}"]`).count(), {
        timeout: 20_000,
      })
      .toBe(0);
  }, 60_000);

  it('fits a phone screen with a template whose input is long', async () => {
    const long = {
      url: 'https://hooks.example.com/e2e',
      payload: { note: 'a long line of template input '.repeat(40) },
    };
    const { id: templateId } = await apiAs<{ id: string }>(page, 'mutation', 'templates.create', {
      name: `E2E long ${Date.now().toString(36)}`,
      type: 'webhook.deliver',
      input: long,
    });
    try {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${webUrl}/schedules`);
      await page.locator(`[data-testid="template-row"]`).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(376);
    } finally {
      await apiAs(page, 'mutation', 'templates.delete', { id: templateId });
    }
  }, 60_000);

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
