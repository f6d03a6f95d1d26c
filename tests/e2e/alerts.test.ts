/**
 * Alerting in the browser, as an admin: a dashboard channel and a rule made through the Alerts page
 * (failures of webhook.deliver in 15 minutes at or above 1, told to that channel), a real delivery
 * that fails (a loopback receiver answering 400), "Evaluate now" from the rule's menu, the bell's
 * unread count rising live (no reload), the alert opened from the bell (its message and facts, and
 * the count going back down), the rule silenced from there with a note, and shown silenced.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiAs, launch, signIn, webUrl } from './support';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));
const marker = randomBytes(3).toString('hex');
const channelName = `e2e bell ${marker}`;
const ruleName = `e2e deliveries failing ${marker}`;
const note = `e2e silence ${marker}: receiver under maintenance`;

interface RuleAnswer {
  id: string;
  name: string;
  state: string;
  silenceNote: string | null;
  lastEvaluatedAt: string | null;
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
let unreadBefore = 0;
let firingId = '';

const bell = () => page.getByTestId('alert-bell');
const unread = async () => Number(await bell().getAttribute('data-unread'));
const ruleRow = () => page.locator(`[data-testid="rule-row"][data-rule-name="${ruleName}"]`);
const rules = () => apiAs<RuleAnswer[]>(page, 'query', 'alerts.rules.list');
const ourRule = async () => (await rules()).find((rule) => rule.name === ruleName);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"refused"}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await mkdir(resultsDir, { recursive: true });
  ({ browser, context, page, pageErrors } = await launch());
  await signIn(page);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('alerts in the dashboard', () => {
  it('creates a dashboard channel and a rule through the Alerts page', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    unreadBefore = await unread();

    await page.getByTestId('alerts-tab-channels').click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('channels');
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-name').fill(channelName);
    await page.getByTestId('channel-kind').selectOption('dashboard');
    await page.getByTestId('channel-submit').click();
    await page.locator(`[data-testid="channel-row"][data-channel-name="${channelName}"]`).waitFor();
    // The dashboard channel's test: no job, every open bell says it hears the channel (this one too).
    await page
      .locator(`[data-testid="channel-row"][data-channel-name="${channelName}"] [data-testid="channel-test"]`)
      .click();
    await page.getByTestId('toasts').getByText(`tested the dashboard channel “${channelName}”`).waitFor();

    await page.getByTestId('alerts-tab-rules').click();
    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-name').fill(ruleName);
    await page.getByTestId('rule-kind').selectOption('failure_count');
    // A refused condition is named next to its field: a threshold of 0 is below the minimum.
    await page.getByTestId('rule-condition-type').fill('webhook.deliver');
    await page.getByTestId('rule-condition-threshold').fill('0');
    await page.locator(`[data-testid="rule-channel"][data-channel-name="${channelName}"]`).check();
    await page.getByTestId('rule-severity').selectOption('high');
    await page.getByTestId('rule-submit').click();
    await page.getByTestId('field-error-condition.threshold').waitFor();
    expect(await ourRule()).toBeUndefined();

    await page.getByTestId('rule-condition-threshold').fill('1');
    await page.getByTestId('rule-submit').click();
    await ruleRow().waitFor();
    expect(await page.getByTestId('rule-form').count()).toBe(0);
    expect(await ruleRow().getAttribute('data-state')).toBe('ok');
    expect(await ruleRow().textContent()).toContain(channelName);
  }, 60_000);

  it('fires on a real failure when evaluated, and the bell counts it live', async () => {
    const job = await apiAs<JobAnswer>(page, 'mutation', 'jobs.enqueue', {
      type: 'webhook.deliver',
      input: { url: receiverUrl, payload: { event: `e2e.alerts.${marker}` } },
      options: { maxAttempts: 1 },
    });
    await expect
      .poll(async () => (await apiAs<JobAnswer>(page, 'query', 'jobs.get', { id: job.id })).state, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe('failed');
    // Nothing has told the page yet: the rule has not been evaluated since.
    expect(await unread()).toBe(unreadBefore);

    await ruleRow().getByTestId('action-menu').click();
    await page.getByTestId('rule-evaluate').click();
    await page.getByTestId('rule-evaluate-job').waitFor();
    const asked = Date.now();
    // Without a reload: the alert event (or, failing that, the bell's poll) brings the count.
    await expect.poll(unread, { timeout: 60_000, interval: 250 }).toBe(unreadBefore + 1);
    const seenAfterMs = Date.now() - asked;
    console.log(`bell counted the firing ${seenAfterMs} ms after Evaluate now`);
    expect(await bell().getAttribute('data-live')).toBe('true');
    expect(await page.getByTestId('alert-bell-count').textContent()).toBe(String(unreadBefore + 1));
    // The rule's row follows too: firing, one open firing.
    await expect.poll(() => ruleRow().getAttribute('data-state'), { timeout: 15_000 }).toBe('firing');
    expect(await ruleRow().getByTestId('rule-open-firings').textContent()).toBe('1');
    await page.screenshot({ path: `${resultsDir}alerts-rules.png`, fullPage: true });
  }, 120_000);

  it('opens the alert from the bell: its message and facts, read afterwards', async () => {
    await bell().click();
    const item = page.locator('[data-testid="alert-bell-item"][data-read="false"]', { hasText: ruleName });
    await item.waitFor();
    await page.screenshot({ path: `${resultsDir}alerts-bell.png` });
    firingId = (await item.getAttribute('data-firing-id'))!;
    await item.click();
    await page.getByTestId('firing-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/alerts/firings/${firingId}`);
    expect(await page.getByTestId('firing-message').textContent()).toMatch(/failed in 15 min, at or above 1/);
    const facts = await page
      .getByTestId('firing-fact')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('th')?.textContent ?? ''));
    expect(facts).toEqual(expect.arrayContaining(['Failed', 'Threshold', 'Window']));
    expect(await page.getByTestId('firing-state').textContent()).toContain('open');
    expect(await page.getByTestId('alert-severity').first().textContent()).toContain('high');
    // Opened, it is read: the count goes back down, still without a reload.
    await expect.poll(unread, { timeout: 15_000 }).toBe(unreadBefore);
    expect(await page.getByTestId('alert-bell-count').count()).toBe(unreadBefore ? 1 : 0);
  }, 60_000);

  it('silences the rule from the alert with a note, and shows it silenced', async () => {
    await page.getByTestId('firing-silence').click();
    await page.getByTestId('silence-dialog').waitFor();
    // An empty note is refused before anything is sent.
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('field-error-note').waitFor();
    await page.getByTestId('silence-note').fill(note);
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('silence-dialog').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('firing-rule-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('silenced');
    await page.getByTestId('firing-unsilence').waitFor();
    const rule = await ourRule();
    expect(rule).toMatchObject({ state: 'silenced', silenceNote: note });
    await page.screenshot({ path: `${resultsDir}alerts-firing.png`, fullPage: true });

    await page.getByTestId('firing-rule-link').click();
    await page.getByTestId('rules-table').waitFor();
    // The list kept from before shows at once, then its refetch (the silence invalidated it).
    await expect.poll(() => ruleRow().getAttribute('data-state'), { timeout: 10_000 }).toBe('silenced');
    expect(await ruleRow().getByTestId('rule-silence-info').textContent()).toContain(note);
    // The firing itself is kept and still shown in the history.
    await page.getByTestId('alerts-tab-history').click();
    await page.locator(`[data-testid="firing-row"][data-firing-id="${firingId}"]`).waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows a viewer the same alerts, unread for them, without controls', async () => {
    const { token } = await apiAs<{ token: string }>(page, 'mutation', 'tokens.create', {
      name: `e2e-alerts-viewer-${marker}`,
      role: 'viewer',
      expiresInDays: 1,
    });
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await viewer.addInitScript((secret) => localStorage.setItem('jobdeck.token', secret), token);
      const viewerPage = await viewer.newPage();
      await viewerPage.goto(`${webUrl}/alerts`);
      const row = viewerPage.locator(`[data-testid="rule-row"][data-rule-name="${ruleName}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('silenced');
      expect(await row.getByTestId('action-menu').count()).toBe(0);
      expect(await viewerPage.getByTestId('rule-new').count()).toBe(0);
      // Reads are per reader: what the admin read is still unread for the viewer.
      const item = viewerPage.locator(`[data-testid="alert-bell-item"][data-firing-id="${firingId}"]`);
      await expect
        .poll(async () => Number(await viewerPage.getByTestId('alert-bell').getAttribute('data-unread')))
        .toBeGreaterThan(0);
      await viewerPage.getByTestId('alert-bell').click();
      expect(await item.getAttribute('data-read')).toBe('false');
      await item.click();
      await viewerPage.getByTestId('firing-page').waitFor();
      expect(await viewerPage.getByTestId('firing-silence').count()).toBe(0);
      expect(await viewerPage.getByTestId('firing-unsilence').count()).toBe(0);
      await viewerPage.goto(`${webUrl}/alerts?tab=channels`);
      await viewerPage.locator(`[data-testid="channel-row"][data-channel-name="${channelName}"]`).waitFor();
      expect(await viewerPage.getByTestId('channel-new').count()).toBe(0);
      expect(await viewerPage.getByTestId('channel-edit').count()).toBe(0);
    } finally {
      await viewer.close();
    }
  }, 60_000);

  it('answers an unknown firing with a page that says so', async () => {
    await page.goto(`${webUrl}/alerts/firings/00000000-0000-4000-8000-000000000000`);
    await expect
      .poll(() => page.getByTestId('error-box').textContent(), { timeout: 15_000 })
      .toContain('No such alert');
  }, 30_000);
});
