/**
 * The Insight page with real jobs: webhook deliveries that complete and deliveries that fail with the
 * same cause (a loopback receiver answering 503) run through Temporal; the page shows them in the
 * trends, follows a change of window in its URL, groups the failures, and retries the whole group
 * through the bulk preview, after which the retries run (the receiver now answers 200).
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiAs, launch, signIn, webUrl } from './support';

const OK_JOBS = 3;
const FAILING_JOBS = 3;
const TYPE = 'webhook.deliver';
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

interface Totals {
  completed: number;
  failed: number;
  total: number;
}
interface TrendsAnswer {
  totals: Totals;
}
interface FailureGroup {
  fingerprint: string;
  count: number;
  sampleJobIds: string[];
}
interface JobAnswer {
  id: string;
  state: string;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let receiver: Server;
let receiverUrl: string;
/** What the receiver answers: 503 for the deliveries that should fail, 200 once they are retried. */
let failing = new Set<string>();
let healed = false;
const okIds: string[] = [];
const failedIds: string[] = [];
let before: Totals;

const trends = (window: string) => apiAs<TrendsAnswer>(page, 'query', 'insight.trends', { window, type: TYPE });

async function enqueue(path: string): Promise<string> {
  const job = await apiAs<{ id: string }>(page, 'mutation', 'jobs.enqueue', {
    type: TYPE,
    input: { url: `${receiverUrl}/${path}`, payload: { event: 'e2e.insight', path } },
    options: { maxAttempts: 1 },
  });
  return job.id;
}

async function waitForEnd(id: string, state: string): Promise<void> {
  await expect
    .poll(async () => (await apiAs<JobAnswer>(page, 'query', 'jobs.get', { id })).state, {
      timeout: 60_000,
      interval: 500,
    })
    .toBe(state);
}

/** The number a tile of the trends shows. */
async function tile(testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())?.trim());
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('/').pop() ?? '';
      // A reason phrase of words only: the failure message is the same for every delivery but its port.
      if (failing.has(path) && !healed) res.writeHead(503, 'Insight Probe Down').end('{}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await mkdir(resultsDir, { recursive: true });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  ({ browser, context, page, pageErrors } = await launch());
  await signIn(page);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('insight page', () => {
  it('runs deliveries that complete and deliveries that fail with one cause', async () => {
    before = (await trends('1h')).totals;
    failing = new Set(Array.from({ length: FAILING_JOBS }, (_, index) => `fail-${index}`));
    for (let index = 0; index < OK_JOBS; index++) okIds.push(await enqueue(`ok-${index}`));
    for (const path of failing) failedIds.push(await enqueue(path));
    await Promise.all([
      ...okIds.map((id) => waitForEnd(id, 'completed')),
      ...failedIds.map((id) => waitForEnd(id, 'failed')),
    ]);
    // The rollups follow the records as jobs end.
    await expect
      .poll(
        async () => {
          const { totals } = await trends('1h');
          return totals.completed >= before.completed + OK_JOBS && totals.failed >= before.failed + FAILING_JOBS;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);
  }, 120_000);

  it('opens from the navigation, lazily, and shows the trends of the window', async () => {
    await page.getByRole('link', { name: 'Insight', exact: true }).click();
    await page.getByRole('heading', { name: 'Insight', level: 1 }).waitFor();
    await page.getByTestId('insight-filter-type').selectOption(TYPE);
    await expect.poll(() => new URL(page.url()).searchParams.get('type')).toBe(TYPE);
    await page.getByTestId('trend-totals').waitFor();
    // What the page shows is what the API answers for the same window (24 h, the default).
    await expect
      .poll(
        async () => {
          const answer = (await trends('24h')).totals;
          return (
            [await tile('trend-completed'), await tile('trend-failed')].join('/') ===
            `${answer.completed}/${answer.failed}`
          );
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBe(true);
    expect(await tile('trend-completed')).toBeGreaterThanOrEqual(OK_JOBS);
    expect(await tile('trend-failed')).toBeGreaterThanOrEqual(FAILING_JOBS);
    await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('direction-throughput').getAttribute('title')).toMatch(/previous window/);
    await page.getByTestId('perf-by-type').locator(`[data-name="${TYPE}"]`).waitFor();
  }, 90_000);

  it('changes the window: the URL says so and the figures are asked again', async () => {
    const asked = page.waitForResponse(
      (response) =>
        response.url().includes('insight.trends') && decodeURIComponent(response.url()).includes('"window":"1h"'),
    );
    await page.getByTestId('insight-window-1h').click();
    await asked;
    const url = new URL(page.url());
    expect(url.searchParams.get('window')).toBe('1h');
    expect(url.searchParams.get('type')).toBe(TYPE);
    expect(await page.getByTestId('insight-window-1h').getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(async () => (await tile('trend-completed')) >= before.completed + OK_JOBS, { timeout: 30_000 })
      .toBe(true);
    // A custom range: picked in the page's local time, sent as ISO, kept in the URL.
    const custom = page.waitForResponse(
      (response) =>
        response.url().includes('insight.trends') && decodeURIComponent(response.url()).includes('"window":"custom"'),
    );
    await page.getByTestId('insight-window-custom').click();
    await custom;
    const range = new URL(page.url()).searchParams;
    expect(range.get('window')).toBe('custom');
    expect(Date.parse(range.get('to')!) - Date.parse(range.get('from')!)).toBe(24 * 3_600_000);
    await page.getByTestId('insight-custom-from').waitFor();
    await page.getByTestId('insight-window-1h').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBeNull();
    // A reload keeps the window and the filter.
    await page.reload();
    await page.getByTestId('trend-totals').waitFor();
    expect(await page.getByTestId('insight-window-1h').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('insight-filter-type').inputValue()).toBe(TYPE);
  }, 60_000);

  it('groups the failures by cause and retries the whole group through the bulk preview', async () => {
    const answer = await apiAs<{ groups: FailureGroup[] }>(page, 'query', 'insight.failures', {
      window: '1h',
      type: TYPE,
    });
    const group = answer.groups.find((entry) => entry.sampleJobIds.some((id) => failedIds.includes(id)));
    expect(group, 'a failure group holds the failed deliveries').toBeDefined();
    expect(group!.count).toBeGreaterThanOrEqual(FAILING_JOBS);

    const row = page.locator(`[data-testid="failure-group"][data-fingerprint="${group!.fingerprint}"]`);
    await row.waitFor();
    expect(await row.getByTestId('failure-message').textContent()).toContain('Insight Probe Down');
    expect(Number(await row.getByTestId('failure-count').textContent())).toBe(group!.count);
    await row.getByTestId('failure-latest').locator('summary').click();
    await row.getByTestId('failure-latest').locator('pre').first().waitFor();
    // The stack comes from the latest job's own page, once the details are opened.
    await row.getByTestId('failure-latest').locator('.failure-stack').waitFor();

    healed = true; // the retries will be delivered
    await row.getByTestId('retry-group').click();
    const dialog = page.getByTestId('bulk-dialog');
    await dialog.getByTestId('dialog-count').waitFor();
    expect(Number(await dialog.getByTestId('dialog-count').textContent())).toBe(group!.count);
    expect(await dialog.getByTestId('dialog-effect').textContent()).toContain(`failure group ${group!.fingerprint}`);
    await dialog.getByTestId('dialog-confirm').click();

    const toast = page.getByTestId('toast').filter({ hasText: 'Bulk retry' }).last();
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.textContent()).toContain(`Bulk retry: ${group!.count} of ${group!.count} done`);
    const results = dialog.getByTestId('bulk-result');
    await results.first().waitFor();
    expect(await results.count()).toBe(group!.count);
    const retried: string[] = [];
    for (const result of await results.all()) {
      expect(await result.getAttribute('data-outcome')).toBe('done');
      const link = result.locator('a').nth(1);
      retried.push((await link.textContent())!.trim());
    }
    // New jobs exist, and run to completion now that the receiver answers 200.
    for (const id of retried) expect(failedIds).not.toContain(id);
    await Promise.all(retried.map((id) => waitForEnd(id, 'completed')));
    await dialog.getByTestId('dialog-dismiss').click();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("shows a running job's time remaining, with its basis on hover", async () => {
    const job = await apiAs<{ id: string }>(page, 'mutation', 'jobs.enqueue', {
      type: 'data.sync',
      input: { source: 'e2e.insight', records: 300, batchSize: 10, throttleMs: 500 },
    });
    await page.goto(`${webUrl}/jobs/${encodeURIComponent(job.id)}`);
    const left = page.getByTestId('time-left');
    await left.waitFor({ timeout: 20_000 });
    expect(await left.textContent()).toMatch(/min left$/);
    expect(await left.getAttribute('title')).toMatch(/progress/);
    // The jobs list says it too.
    await page.goto(`${webUrl}/jobs?type=data.sync`);
    const row = page.locator(`[data-testid="job-row"][data-job-id="${job.id}"]`);
    await row.getByTestId('time-left').waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('time-left').textContent()).toMatch(/left$/);
    await apiAs(page, 'mutation', 'jobs.cancel', { id: job.id });
  }, 60_000);

  it('shows the queues and the workers as they report, and the overview the trend of each type', async () => {
    await page.goto(`${webUrl}/insight?window=1h&type=${TYPE}`);
    await page.getByTestId('trend-totals').waitFor();
    const machines = page.getByTestId('insight-machines');
    await machines.getByTestId('machines-queues').waitFor();
    await expect.poll(() => machines.getByTestId('machine-queue').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => (await machines.getByTestId('machines-workers').getAttribute('data-available')) === 'true', {
        timeout: 20_000,
      })
      .toBe(true);
    await page.screenshot({ path: `${resultsDir}insight-page.png`, fullPage: true });
    // The overview's job type cards carry their last 24 hours.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const card = page.locator(`[data-testid="type-card"][data-name="${TYPE}"]`);
    await card.getByTestId('type-trend').waitFor();
    expect(await card.getByTestId('sparkline').getAttribute('aria-label')).toMatch(/\d+ completed, \d+ unsuccessful/);
    await page.screenshot({ path: `${resultsDir}insight-overview.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    expect(new URL(page.url()).origin).toBe(new URL(webUrl).origin);
  }, 60_000);
});
