/**
 * Operators in control, in Chromium against the running stack: cancel a running job from its page
 * through the confirmation dialog and see it end as cancelled without a reload, retry it and follow
 * the link to the new run, pause and resume a queue from the overview, find all of it in the audit
 * log, and create, use and revoke a service token that is shown once.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminEmail, adminPassword, apiUrl, launch, signIn, webUrl } from './support';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];
let adminToken = '';

let originalId = '';
let retryId = '';
let viewerToken = '';
const bulkIds: string[] = [];
const tokenName = `e2e-viewer-${Date.now().toString(36)}`;
const pauseNote = 'e2e maintenance window';

interface TrpcAnswer<T> {
  result?: { data: T };
  error?: { message: string; data?: { httpStatus?: number } };
}

/** One call to the API, as a script would make it: queries by GET, mutations by POST. */
async function call<T>(
  kind: 'query' | 'mutation',
  procedure: string,
  input: unknown,
  token = adminToken,
): Promise<{ status: number; data?: T; error?: string }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response =
    kind === 'query'
      ? await fetch(
          `${apiUrl}/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
          { headers },
        )
      : await fetch(`${apiUrl}/trpc/${procedure}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input ?? null),
        });
  const body = (await response.json()) as TrpcAnswer<T>;
  return { status: response.status, data: body.result?.data, error: body.error?.message };
}

async function must<T>(kind: 'query' | 'mutation', procedure: string, input?: unknown): Promise<T> {
  const answer = await call<T>(kind, procedure, input);
  if (answer.data === undefined) throw new Error(`${procedure}: ${answer.status} ${answer.error ?? ''}`);
  return answer.data;
}

const dialog = (testId: string) => page.getByTestId(testId);

/** The newest toast that says `text`. */
async function expectToast(text: string | RegExp, tone: 'ok' | 'error' | 'info' = 'ok') {
  const toast = page.getByTestId('toast').filter({ hasText: text }).last();
  await toast.waitFor();
  expect(await toast.getAttribute('data-tone')).toBe(tone);
  return toast;
}

beforeAll(async () => {
  await mkdir(resultsDir, { recursive: true });
  ({ browser, context, page, pageErrors } = await launch());
  // The API's own login, for the calls that set the scene quickly.
  const login = await call<{ token: string }>(
    'mutation',
    'auth.login',
    { email: adminEmail, password: adminPassword },
    '',
  );
  if (!login.data) throw new Error(`auth.login: ${login.status} ${login.error}`);
  adminToken = login.data.token;
});

afterAll(async () => {
  // Whatever happened above: no long job left running, no queue left paused for the next suite.
  for (const id of [originalId, retryId, ...bulkIds].filter(Boolean)) {
    const job = await call<{ state: string }>('query', 'jobs.get', { id }).catch(() => null);
    if (job?.data && ['waiting', 'delayed', 'active', 'retrying'].includes(job.data.state))
      await call('mutation', 'jobs.cancel', { id }).catch(() => undefined);
  }
  const queues = await call<Array<{ name: string; paused: boolean }>>('query', 'queues.list', undefined).catch(
    () => null,
  );
  if (queues?.data?.find((queue) => queue.name === 'reports')?.paused)
    await call('mutation', 'queues.resume', { queue: 'reports' }).catch(() => undefined);
  await context?.close();
  await browser?.close();
});

describe('operations', () => {
  it('signs in and enqueues a long data.sync job through the API', async () => {
    await signIn(page);
    const job = await must<{ id: string }>('mutation', 'jobs.enqueue', {
      type: 'data.sync',
      input: { source: 'e2e-ops', records: 2000, batchSize: 10, throttleMs: 500 },
    });
    originalId = job.id;
    expect(originalId).toMatch(/^data\.sync-/);
  }, 30_000);

  it('cancels the running job from its page through a dialog, and shows it end without a reload', async () => {
    await page.goto(`${webUrl}/jobs/${encodeURIComponent(originalId)}`);
    await page.getByTestId('job-page').waitFor();
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 30_000, interval: 300 })
      .toBe('active');

    const actions = page.getByTestId('job-actions');
    await actions.waitFor();
    expect(await actions.getByTestId('action-retry').count()).toBe(0); // a running job is not retried

    // Escape closes the dialog without doing anything.
    await actions.getByTestId('action-cancel').click();
    const cancel = dialog('cancel-dialog');
    await cancel.waitFor();
    await page.keyboard.press('Escape');
    await cancel.waitFor({ state: 'detached' });
    // The focus goes back to the button that opened it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('action-cancel');

    await actions.getByTestId('action-cancel').click();
    await cancel.waitFor();
    expect(await cancel.getAttribute('role')).toBe('dialog');
    expect(await cancel.getAttribute('aria-modal')).toBe('true');
    // The harmless button has the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dialog-dismiss');
    expect(await cancel.getByTestId('dialog-effect').textContent()).toBe(
      `Cancel ${originalId}? The running activity is told at its next heartbeat, cleans up, and the job ends as cancelled.`,
    );
    expect(await cancel.getByTestId('dialog-cli').textContent()).toBe(
      `temporal workflow cancel --workflow-id ${originalId}`,
    );
    await page.screenshot({ path: `${resultsDir}operations-cancel-dialog.png` });

    await cancel.getByTestId('dialog-confirm').click();
    await cancel.waitFor({ state: 'detached' });
    const toast = await expectToast(`Cancelling ${originalId}`);
    expect(await toast.getByTestId('toast-cli').textContent()).toContain(
      `temporal workflow cancel --workflow-id ${originalId}`,
    );

    // No reload: the state badge gets there by itself.
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 45_000, interval: 300 })
      .toBe('cancelled');
    await page.getByTestId('action-retry').waitFor();
    expect(await page.getByTestId('action-cancel').count()).toBe(0);
    await page.screenshot({ path: `${resultsDir}operations-job-actions.png`, fullPage: true });
  }, 90_000);

  it('retries it through a dialog and links the two runs', async () => {
    await page.getByTestId('action-retry').click();
    const retry = dialog('retry-dialog');
    await retry.waitFor();
    expect(await retry.textContent()).toContain('A new data.sync job starts with the same input');
    await retry.getByTestId('dialog-confirm').click();
    await retry.waitFor({ state: 'detached' });
    await expectToast(`Retried ${originalId}`);

    const retriedAs = page.getByTestId('job-retried-as');
    await retriedAs.waitFor({ timeout: 15_000 });
    retryId = (await retriedAs.textContent())!.trim();
    expect(retryId).toMatch(/^data\.sync-/);
    expect(retryId).not.toBe(originalId);
    // Retried once: not offered again.
    expect(await page.getByTestId('action-retry').count()).toBe(0);

    await retriedAs.click();
    await expect.poll(() => page.getByTestId('job-id').textContent()).toBe(retryId);
    expect(await page.getByTestId('job-retry-of').textContent()).toBe(originalId);
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 30_000, interval: 300 })
      .toBe('active');
    await page.getByTestId('action-cancel').waitFor();
    await page.screenshot({ path: `${resultsDir}operations-retried-job.png`, fullPage: true });
  }, 60_000);

  it('pauses the reports queue from the overview with a note, shows it paused, and resumes it', async () => {
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const card = page.locator('[data-testid="queue-card"][data-name="reports"]');
    await card.waitFor();
    const pauseButton = card.getByTestId('queue-pause');
    await expect.poll(() => pauseButton.isEnabled(), { timeout: 15_000 }).toBe(true);
    await pauseButton.click();

    const pause = dialog('pause-dialog');
    await pause.waitFor();
    await pause.getByTestId('pause-note').fill(pauseNote);
    const command = await pause.getByTestId('dialog-cli').textContent();
    expect(command).toContain(
      'temporal task-queue config set --task-queue reports --task-queue-type activity --queue-rps-limit 0',
    );
    expect(command).toContain(`--queue-rps-limit-reason "paused by ${adminEmail}: ${pauseNote}"`);
    await pause.getByTestId('dialog-confirm').click();
    await pause.waitFor({ state: 'detached' });
    const toast = await expectToast('Paused queue reports');
    expect(await toast.getByTestId('toast-cli').textContent()).toContain('--queue-rps-limit 0');

    await card.getByTestId('queue-paused').waitFor({ timeout: 15_000 });
    expect(await card.getByTestId('queue-paused-reason').textContent()).toContain(pauseNote);

    // A report enqueued now waits; the jobs table and its page say why.
    const report = await must<{ id: string }>('mutation', 'jobs.enqueue', {
      type: 'report.generate',
      input: { title: 'e2e held report', periodHours: 1 },
    });
    await page.goto(`${webUrl}/jobs?queue=reports`);
    const reportRow = page.locator(`[data-testid="job-row"][data-job-id="${report.id}"]`);
    await reportRow.waitFor({ timeout: 20_000 });
    await reportRow.getByTestId('queue-paused').waitFor();
    await page.screenshot({ path: `${resultsDir}operations-jobs-paused.png` });
    await reportRow.getByRole('link', { name: report.id }).click();
    await page.getByTestId('job-page').waitFor();
    await page.getByTestId('job-queue-paused').waitFor();
    expect(await page.getByTestId('job-state').getAttribute('data-state')).not.toBe('completed');

    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await card.getByTestId('queue-paused').waitFor();
    await page.screenshot({ path: `${resultsDir}operations-queue-paused.png`, fullPage: true });
    await card.getByTestId('queue-resume').click();
    const resume = dialog('resume-dialog');
    await resume.waitFor();
    expect(await resume.getByTestId('dialog-cli').textContent()).toBe(
      'temporal task-queue config set --task-queue reports --task-queue-type activity --queue-rps-limit default',
    );
    await resume.getByTestId('dialog-confirm').click();
    await resume.waitFor({ state: 'detached' });
    await expectToast('Resumed queue reports');
    await card.getByTestId('queue-paused').waitFor({ state: 'detached', timeout: 15_000 });
    await card.getByTestId('queue-pause').waitFor();

    // Resumed: the held report runs to its end.
    await expect
      .poll(async () => (await call<{ state: string }>('query', 'jobs.get', { id: report.id })).data?.state, {
        timeout: 60_000,
        interval: 1_000,
      })
      .toBe('completed');
  }, 120_000);

  it('cancels selected rows of the jobs table in bulk, with a result per job', async () => {
    for (let index = 0; index < 2; index++) {
      const job = await must<{ id: string }>('mutation', 'jobs.enqueue', {
        type: 'data.sync',
        input: { source: `e2e-bulk-${index}`, records: 2000, batchSize: 10, throttleMs: 500 },
      });
      bulkIds.push(job.id);
    }
    await page.goto(`${webUrl}/jobs?type=data.sync`);
    for (const id of bulkIds) {
      const row = page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
      await row.waitFor({ timeout: 20_000 });
      await row.getByTestId('row-select').check();
    }
    expect(await page.getByTestId('bulk-count').textContent()).toBe('2 selected');
    await page.getByTestId('bulk-cancel-selected').click();
    const bulk = dialog('bulk-dialog');
    await bulk.waitFor();
    await bulk.getByTestId('dialog-effect').waitFor();
    expect(await bulk.getByTestId('dialog-effect').textContent()).toContain('This will cancel 2 jobs');
    expect(await bulk.getByTestId('dialog-effect').textContent()).toContain('it runs now');
    await bulk.getByTestId('dialog-confirm').click();
    await bulk.getByTestId('bulk-results').waitFor();
    expect(
      await bulk
        .getByTestId('bulk-result')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-outcome'))),
    ).toEqual(['done', 'done']);
    await expectToast('Bulk cancel: 2 of 2 done');
    await page.screenshot({ path: `${resultsDir}operations-bulk.png` });
    await bulk.getByTestId('dialog-dismiss').click();
    await bulk.waitFor({ state: 'detached' });
    expect(await page.getByTestId('bulk-count').textContent()).not.toContain('selected');
    for (const id of bulkIds) {
      await expect
        .poll(
          () =>
            page
              .locator(`[data-testid="job-row"][data-job-id="${id}"] [data-testid="state-badge"]`)
              .getAttribute('data-state'),
          { timeout: 30_000 },
        )
        .toBe('cancelled');
    }

    // Each row has its actions in a menu, which fits the table on a laptop screen.
    const scroller = page.locator('.table-scroll').first();
    expect(await scroller.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(1);
    const row = page.locator(`[data-testid="job-row"][data-job-id="${bulkIds[0]}"]`);
    await row.getByTestId('action-menu').click();
    const menu = page.getByTestId('action-menu-items');
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Retry…', 'Retry with changes…']);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('action-retry');
    await page.screenshot({ path: `${resultsDir}operations-row-menu.png` });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    // An item opens its dialog; closing the dialog gives the focus back to the menu's button.
    await row.getByTestId('action-menu').click();
    await menu.getByRole('menuitem', { name: 'Retry…' }).click();
    const retry = dialog('retry-dialog');
    await retry.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('dialog-dismiss');
    await page.keyboard.press('Escape');
    await retry.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('action-menu');
  }, 90_000);

  it('retries with changes: refuses a bad input field by field, then supersedes the original', async () => {
    const id = bulkIds[1]!;
    await page.goto(`${webUrl}/jobs/${encodeURIComponent(id)}`);
    await page.getByTestId('action-retry-changes').click();
    const form = dialog('retry-changes-dialog');
    await form.waitFor();
    await form.getByTestId('retry-input').fill('{"records": 2000000}');
    await form.getByTestId('dialog-confirm').click();
    const inputError = form.getByTestId('field-error-input');
    await inputError.waitFor();
    expect(await inputError.textContent()).toMatch(/input\.records: Too big/);
    await form.getByTestId('retry-initialIntervalMs').fill('5000');
    await form.getByTestId('retry-maximumIntervalMs').fill('1000');
    await form.getByTestId('retry-input').fill('{"records": 30, "throttleMs": 0}');
    await form.getByTestId('dialog-confirm').click();
    await form.getByTestId('field-error-maximumIntervalMs').waitFor();
    await form.getByTestId('retry-maximumIntervalMs').fill('');
    await form.getByTestId('retry-priority').selectOption('high');
    await form.getByTestId('retry-supersede').check();
    await page.screenshot({ path: `${resultsDir}operations-retry-changes.png` });
    await form.getByTestId('dialog-confirm').click();
    await form.waitFor({ state: 'detached' });
    await expectToast(`Retried ${id} with changes`);
    await page.getByTestId('job-superseded').waitFor();
    const next = (await page.getByTestId('job-retried-as').textContent())!.trim();
    const detail = await must<{ priority: string; input: { records: number; source: string } }>('query', 'jobs.get', {
      id: next,
    });
    expect(detail.priority).toBe('high');
    expect(detail.input).toMatchObject({ records: 30, source: 'e2e-bulk-1' });

    // The list leaves the superseded original out, until asked to show it (with a word why).
    await page.goto(`${webUrl}/jobs?type=data.sync`);
    const row = (jobId: string) => page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await row(next).waitFor({ timeout: 20_000 });
    expect(await row(id).count()).toBe(0);
    // A click, not check(): the URL changes in a transition, so the box is ticked a moment later.
    await page.getByTestId('filter-superseded').click();
    await row(id).getByTestId('row-superseded').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('superseded')).toBe('shown');
    expect(await page.getByTestId('filter-superseded').isChecked()).toBe(true);
  }, 60_000);

  it('lists users and creates one', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByTestId('users-page').waitFor();
    await page.locator(`[data-testid="user-row"][data-email="${adminEmail}"]`).waitFor();
    await page.getByTestId('user-create-toggle').click();
    const email = `e2e-${Date.now().toString(36)}@localhost`;
    await page.getByTestId('user-email').fill(email);
    await page.getByTestId('user-role').selectOption('operator');
    await page.getByTestId('user-password').fill('short');
    await page.getByTestId('user-create-submit').click();
    await page.getByTestId('field-error-password').waitFor();
    await page.getByTestId('user-password').fill('a-long-enough-password');
    await page.getByTestId('user-create-submit').click();
    await expectToast(`Created ${email}`);
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('operator');
    await page.screenshot({ path: `${resultsDir}operations-users.png` });
  }, 30_000);

  it('lists those actions in the audit log, filtered by the URL', async () => {
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByTestId('audit-page').waitFor();
    await page.getByTestId('audit-table').waitFor();

    // Through the form: the filter lands in the URL.
    await page.getByTestId('audit-filter-action').fill('jobs.cancel');
    await page.getByTestId('audit-filter-actor').fill(adminEmail);
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('jobs.cancel');
    const row = (action: string, target: string) =>
      page
        .locator(`[data-testid="audit-row"][data-action="${action}"][data-actor="${adminEmail}"]`)
        .filter({ hasText: target });
    await row('jobs.cancel', originalId).first().waitFor();

    for (const [action, target] of [
      ['jobs.retry', originalId],
      ['queues.pause', 'reports'],
      ['queues.resume', 'reports'],
    ] as const) {
      await page.goto(`${webUrl}/audit?actor=${encodeURIComponent(adminEmail)}&action=${action}`);
      await row(action, target).first().waitFor();
      expect(await row(action, target).first().getByTestId('audit-outcome').textContent()).toBe('ok');
      if (action === 'queues.pause') {
        // The pause's note is among its parameters, shown when the cell is opened.
        const params = row(action, target).first().getByTestId('audit-params');
        await params.locator('summary').click();
        await params.locator('pre').waitFor();
        expect(await params.locator('pre').textContent()).toContain(pauseNote);
      }
    }

    await page.goto(`${webUrl}/audit?actor=${encodeURIComponent(adminEmail)}`);
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByTestId('audit-row').first().getByTestId('audit-params').locator('summary').click();
    await page.screenshot({ path: `${resultsDir}operations-audit.png`, fullPage: true });
  }, 60_000);

  it('creates a viewer token shown once, which sees no actions, and revokes it', async () => {
    await page.getByRole('link', { name: 'Tokens', exact: true }).click();
    await page.getByTestId('tokens-page').waitFor();
    await page.getByTestId('token-name').fill(tokenName);
    await page.getByTestId('token-role').selectOption('viewer');
    await page.getByTestId('token-create-submit').click();

    const secret = page.getByTestId('token-secret');
    await secret.waitFor();
    viewerToken = (await secret.textContent())!.trim();
    expect(viewerToken).toMatch(/^jd_t_/);
    expect(await page.getByTestId('token-issued').textContent()).toContain('you will not see it again');
    await page.screenshot({ path: `${resultsDir}operations-token-issued.png` });
    // Nothing keeps it: not the browser's storage.
    expect(
      await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
    ).not.toContain(viewerToken);
    await page.getByTestId('token-issued-done').click();
    await secret.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(viewerToken);

    const tokenRow = page.locator(`[data-testid="token-row"][data-name="${tokenName}"]`);
    await tokenRow.waitFor();
    expect(await tokenRow.getAttribute('data-status')).toBe('active');
    expect(await tokenRow.textContent()).toContain(viewerToken.slice(0, 10));

    // The token works, as a viewer: no actions on a job page, no admin pages in the menu.
    const me = await call<{ role: string }>('query', 'auth.me', undefined, viewerToken);
    expect(me.data?.role).toBe('viewer');
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await viewer.addInitScript((token) => localStorage.setItem('jobdeck.token', token), viewerToken);
      const viewerPage = await viewer.newPage();
      await viewerPage.goto(`${webUrl}/jobs/${encodeURIComponent(originalId)}`);
      await viewerPage.getByTestId('job-page').waitFor();
      await viewerPage.getByTestId('job-retried-as').waitFor();
      expect(await viewerPage.getByTestId('job-actions').count()).toBe(0);
      expect(await viewerPage.getByRole('link', { name: 'Audit', exact: true }).count()).toBe(0);
      await viewerPage.goto(webUrl);
      await viewerPage.getByTestId('queue-card').first().waitFor();
      expect(await viewerPage.getByTestId('queue-controls').count()).toBe(0);
    } finally {
      await viewer.close();
    }

    await tokenRow.getByTestId('token-revoke').click();
    const revoke = dialog('token-revoke-dialog');
    await revoke.waitFor();
    expect(await revoke.textContent()).toContain(viewerToken.slice(0, 10));
    await revoke.getByTestId('dialog-confirm').click();
    await revoke.waitFor({ state: 'detached' });
    await expectToast(`Revoked token ${tokenName}`);
    await expect.poll(() => tokenRow.getAttribute('data-status')).toBe('revoked');
    await expect
      .poll(async () => (await call('query', 'auth.me', undefined, viewerToken)).status, { timeout: 5_000 })
      .toBe(401);
  }, 60_000);

  it("keeps every row's actions in view on a 1440 px screen, however wide the table", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${webUrl}/jobs?type=data.sync`);
    const row = page.locator('[data-testid="job-row"]').first();
    await row.waitFor({ timeout: 20_000 });
    const cell = row.locator('td.actions-cell');
    const frame = await page.locator('.table-scroll:has([data-testid="jobs-table"])').boundingBox();
    const box = await cell.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(frame!.x - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frame!.x + frame!.width + 1);
    // Nothing inside the cell is cut off either.
    expect(await cell.evaluate((element) => element.scrollWidth <= element.clientWidth + 1)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('fits a phone screen with the actions and their dialog', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${webUrl}/jobs/${encodeURIComponent(retryId)}`);
    await page.getByTestId('action-terminate').waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await overflow()).toBeLessThanOrEqual(375 + 1);
    await page.getByTestId('action-terminate').click();
    const terminate = dialog('terminate-dialog');
    await terminate.waitFor();
    // The reason is required: the dialog refuses without one.
    await terminate.getByTestId('dialog-confirm').click();
    await terminate.getByTestId('field-error-reason').waitFor();
    await terminate.getByTestId('terminate-reason').fill('e2e cleanup');
    expect(await terminate.getByTestId('dialog-cli').textContent()).toBe(
      `temporal workflow terminate --workflow-id ${retryId} --reason "e2e cleanup (by ${adminEmail})"`,
    );
    const box = await terminate.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: `${resultsDir}operations-phone-terminate.png` });
    await terminate.getByTestId('dialog-confirm').click();
    await terminate.waitFor({ state: 'detached' });
    await expectToast(`Terminated ${retryId}`);
    await expect
      .poll(() => page.getByTestId('job-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('terminated');

    await page.goto(`${webUrl}/jobs`);
    await page.getByTestId('jobs-table').waitFor();
    await page.getByTestId('bulk-bar').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(375 + 1);
    await page.screenshot({ path: `${resultsDir}operations-phone-jobs.png` });
    await page.goto(`${webUrl}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(375 + 1);
    await page.screenshot({ path: `${resultsDir}operations-phone-audit.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
