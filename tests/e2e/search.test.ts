/**
 * The Search page with real jobs: data.sync and report.generate jobs whose inputs carry a marker run
 * through Temporal; the page finds them by that text (from the header's box), narrows by type, shows
 * a refused term next to the box, sorts by a column header, keeps the whole search in the URL (Back,
 * reload), saves it as a view that reproduces it (and shares it with a viewer), exports the rows as a
 * CSV file the browser downloads, previews a bulk action on the whole search, and deletes a job.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiAs, launch, signIn, webUrl } from './support';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));
/** In every seeded job's input, and in no other job's: the text the page searches for. */
const marker = `srch${randomBytes(4).toString('hex')}`;
const SYNCS = 3;
const REPORTS = 2;

interface SearchAnswer {
  items: Array<{ id: string; type: string }>;
  total: { count: number; exact: boolean } | null;
}
interface ViewAnswer {
  id: string;
  name: string;
  mine: boolean;
  search: Record<string, unknown> | null;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
const syncIds: string[] = [];
const reportIds: string[] = [];
let viewUrl = '';
let viewRows: string[] = [];

const search = (query: Record<string, unknown>) =>
  apiAs<SearchAnswer>(page, 'query', 'jobs.search', { search: query, limit: 50 });

/** The ids of the rows the page shows, in order. */
const rowIds = () =>
  page.getByTestId('search-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job-id') ?? ''));

/** Once the rows shown are the search's answer (not the previous search's, kept while the new one loads). */
async function rowsSettle(expected: string[]): Promise<void> {
  await expect.poll(rowIds, { timeout: 15_000 }).toEqual(expected);
  await expect
    .poll(() => page.locator('.search-table').locator('xpath=..').getAttribute('class'))
    .not.toContain('stale');
}

const params = () => new URL(page.url()).searchParams;

async function waitForEnd(id: string): Promise<void> {
  await expect
    .poll(async () => (await apiAs<{ state: string }>(page, 'query', 'jobs.get', { id })).state, {
      timeout: 60_000,
      interval: 500,
    })
    .toBe('completed');
}

beforeAll(async () => {
  await mkdir(resultsDir, { recursive: true });
  ({ browser, context, page, pageErrors } = await launch());
  await signIn(page);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('search page', () => {
  it('runs jobs whose inputs carry a marker to search for', async () => {
    for (let index = 0; index < SYNCS; index++) {
      const job = await apiAs<{ id: string }>(page, 'mutation', 'jobs.enqueue', {
        type: 'data.sync',
        input: { source: `e2e.${marker}.${index}`, records: 1 + index },
      });
      syncIds.push(job.id);
    }
    for (let index = 0; index < REPORTS; index++) {
      const job = await apiAs<{ id: string }>(page, 'mutation', 'jobs.enqueue', {
        type: 'report.generate',
        input: { title: `Search e2e ${marker} ${index}`, periodHours: 1 },
      });
      reportIds.push(job.id);
    }
    await Promise.all([...syncIds, ...reportIds].map(waitForEnd));
    // The records follow the runs: every job is found by the marker once it has ended.
    await expect
      .poll(async () => (await search({ q: marker })).total?.count, { timeout: 20_000, interval: 500 })
      .toBe(SYNCS + REPORTS);
  }, 120_000);

  it('finds them by text from the header, with a total, and the search in the URL', async () => {
    // The header's box is on every page, beside the whole navigation of an admin.
    await page.getByRole('link', { name: 'Audit', exact: true }).waitFor();
    await page.screenshot({ path: `${resultsDir}search-header.png`, clip: { x: 0, y: 0, width: 1280, height: 60 } });
    await page.getByTestId('header-search-input').fill(marker);
    await page.getByTestId('header-search-input').press('Enter');
    await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/search');
    expect(params().get('q')).toBe(marker);
    expect(await page.getByTestId('search-q').inputValue()).toBe(marker);
    const answer = await search({ q: marker });
    await rowsSettle(answer.items.map((item) => item.id));
    expect([...(await rowIds())].sort()).toEqual([...syncIds, ...reportIds].sort());
    expect(await page.getByTestId('search-total').textContent()).toBe(`${SYNCS + REPORTS} jobs`);
    await page.screenshot({ path: `${resultsDir}search-page.png`, fullPage: true });
  }, 60_000);

  it('narrows by type, shows a refused term next to the box, and goes back with Back', async () => {
    await page.getByTestId('search-types').locator('summary').click();
    await page.locator('[data-testid="search-types-option"][data-value="data.sync"]').check();
    await expect.poll(() => params().getAll('type')).toEqual(['data.sync']);
    await page.keyboard.press('Escape');
    await rowsSettle((await search({ q: marker, types: ['data.sync'] })).items.map((item) => item.id));
    expect([...(await rowIds())].sort()).toEqual([...syncIds].sort());
    expect(await page.getByTestId('search-total').textContent()).toBe(`${SYNCS} jobs`);

    // A term of two characters is refused by the API: its message stands under the box.
    await page.getByTestId('search-q').fill(`${marker} ab`);
    await page.getByTestId('search-q').press('Enter');
    const error = page.getByTestId('field-error-q');
    await error.waitFor();
    expect(await error.textContent()).toContain('too short');
    expect(await page.getByTestId('search-q').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${resultsDir}search-refused.png`, fullPage: true });

    // Back is the search before: the marker alone, no error.
    await page.goBack();
    await expect.poll(() => params().get('q')).toBe(marker);
    await expect.poll(() => page.getByTestId('search-q').inputValue()).toBe(marker);
    await error.waitFor({ state: 'detached' });
    expect(params().getAll('type')).toEqual(['data.sync']);
  }, 60_000);

  it('sorts by a column header, one way and then the other', async () => {
    await page.getByTestId('sort-attempts').click();
    await expect.poll(() => `${params().get('sort')} ${params().get('order')}`).toBe('attempts desc');
    await page.getByTestId('sort-created').click();
    await expect.poll(() => `${params().get('sort')} ${params().get('order')}`).toBe('created desc');
    const newest = await search({ q: marker, types: ['data.sync'], sort: 'created', order: 'desc' });
    await rowsSettle(newest.items.map((item) => item.id));
    expect(await page.locator('th[aria-sort]').textContent()).toContain('Created');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');

    await page.getByTestId('sort-created').click();
    await expect.poll(() => params().get('order')).toBe('asc');
    const oldest = await search({ q: marker, types: ['data.sync'], sort: 'created', order: 'asc' });
    await rowsSettle(oldest.items.map((item) => item.id));
    expect(oldest.items.map((item) => item.id)).toEqual([...newest.items.map((item) => item.id)].reverse());
    // Enqueued one after the other: the oldest first is the order they were enqueued in.
    expect(await rowIds()).toEqual(syncIds);
  }, 60_000);

  it('saves the search as a view, which reproduces it from its URL', async () => {
    viewRows = await rowIds();
    const name = `e2e ${marker}`;
    await page.getByTestId('save-view').click();
    const dialog = page.getByTestId('view-dialog');
    await dialog.getByTestId('view-name').fill(name);
    await dialog.getByTestId('dialog-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.getByTestId('view-item').filter({ hasText: name });
    await item.waitFor();
    expect(await item.getByTestId('view-link').getAttribute('aria-current')).toBe('true');
    const views = await apiAs<ViewAnswer[]>(page, 'query', 'views.list');
    const saved = views.find((view) => view.name === name);
    expect(saved?.mine).toBe(true);
    expect(saved?.search).toMatchObject({ q: marker, types: ['data.sync'], sort: 'created', order: 'asc' });

    // Elsewhere, then the view's own URL in a fresh load: the same search, the same rows.
    viewUrl = (await item.getByTestId('view-link').getAttribute('href'))!;
    await page.goto(`${webUrl}/jobs`);
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    await page.goto(`${webUrl}${viewUrl}`);
    await page.getByTestId('search-row').first().waitFor();
    await rowsSettle(viewRows);
    expect(await page.getByTestId('search-q').inputValue()).toBe(marker);
    expect(await page.getByTestId('search-types').locator('summary').textContent()).toContain('data.sync');
    expect(await page.getByTestId('sort-created').locator('xpath=..').getAttribute('aria-sort')).toBe('ascending');
    await page.getByTestId('view-item').filter({ hasText: name }).waitFor();
  }, 60_000);

  it('exports the rows as a CSV file that the browser downloads', async () => {
    await page.getByTestId('export-open').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format-csv').check();
    await page.screenshot({ path: `${resultsDir}search-export-dialog.png` });
    const downloaded = page.waitForEvent('download', { timeout: 30_000 });
    await dialog.getByTestId('dialog-confirm').click();
    const download = await downloaded;
    const path = `${resultsDir}search-export-${marker}.csv`;
    await download.saveAs(path);
    const lines = (await readFile(path, 'utf8'))
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((line) => line.trim());
    const header = lines[0]!.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
    expect(header[0]).toBe('id');
    expect(header).toContain('type');
    const rows = lines.slice(1).map((line) => line.split(',')[0]!.replace(/^"|"$/g, ''));
    // The rows of the search, in its order (created, oldest first).
    expect(rows).toEqual(viewRows);
    const typeAt = header.indexOf('type');
    for (const line of lines.slice(1)) expect(line.split(',')[typeAt]!.replace(/^"|"$/g, '')).toBe('data.sync');
    await dialog.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shares the view with everyone: a viewer finds it marked shared, and has no operator controls', async () => {
    const name = `e2e ${marker}`;
    const item = page.getByTestId('view-item').filter({ hasText: name });
    await item.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByTestId('view-dialog');
    await dialog.getByTestId('view-shared').check();
    await dialog.getByTestId('dialog-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => item.getAttribute('data-shared')).toBe('true');
    await page.screenshot({ path: `${resultsDir}search-view-saved.png`, fullPage: true });

    const { token } = await apiAs<{ token: string }>(page, 'mutation', 'tokens.create', {
      name: `e2e-search-viewer-${marker}`,
      role: 'viewer',
      expiresInDays: 1,
    });
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await viewer.addInitScript((secret) => localStorage.setItem('jobdeck.token', secret), token);
      const viewerPage = await viewer.newPage();
      await viewerPage.goto(`${webUrl}/search`);
      const shared = viewerPage.getByTestId('views-shared').getByTestId('view-item').filter({ hasText: name });
      await shared.waitFor();
      expect(await shared.textContent()).toContain('shared');
      // Not theirs: no Rename or Delete.
      expect(await shared.getByTestId('view-delete').count()).toBe(0);
      await shared.getByTestId('view-link').click();
      await expect.poll(() => new URL(viewerPage.url()).searchParams.get('q')).toBe(marker);
      await expect
        .poll(() =>
          viewerPage
            .getByTestId('search-row')
            .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job-id'))),
        )
        .toEqual(viewRows);
      expect(await viewerPage.getByTestId('search-actions').count()).toBe(0);
      expect(await viewerPage.getByTestId('row-select').count()).toBe(0);
      // A viewer keeps views of their own, but cannot share them.
      await viewerPage.getByTestId('save-view').click();
      await viewerPage.getByTestId('view-dialog').waitFor();
      expect(await viewerPage.getByTestId('view-shared').count()).toBe(0);
    } finally {
      await viewer.close();
    }
  }, 60_000);

  it('offers the bulk actions for the whole search, with the preview', async () => {
    await page.getByTestId('search-retry-all').click();
    const dialog = page.getByTestId('bulk-dialog');
    await dialog.getByTestId('dialog-effect').waitFor();
    expect(await dialog.getByTestId('dialog-effect').textContent()).toMatch(/this search finds|No job matches/);
    await dialog.getByTestId('dialog-dismiss').click();
    await dialog.waitFor({ state: 'detached' });
  }, 30_000);

  it('deletes a finished job from its page (admin), after which the search no longer finds it', async () => {
    const gone = syncIds[0]!;
    await page.goto(`${webUrl}/jobs/${encodeURIComponent(gone)}`);
    await page.getByTestId('job-page').waitFor();
    await page.getByTestId('action-delete').click();
    const dialog = page.getByTestId('delete-job-dialog');
    await dialog.getByTestId('delete-reason').fill('e2e: search test clean-up');
    await dialog.getByTestId('dialog-confirm').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/jobs');
    await expect
      .poll(async () => (await search({ q: marker, types: ['data.sync'] })).items.map((item) => item.id))
      .not.toContain(gone);
    await page.goto(`${webUrl}${viewUrl}`);
    await rowsSettle(viewRows.filter((id) => id !== gone));
    await page.goto(`${webUrl}/exports`);
    await page.getByRole('heading', { name: 'Exports', level: 1 }).waitFor();
    await page.locator('[data-testid="exports-table"], [data-testid="exports-empty"]').first().waitFor();
    await page.screenshot({ path: `${resultsDir}search-exports-page.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
