/**
 * The audit log at 1440 px: a row whose parameters are long shows them whole, wrapped inside the
 * params column, with nothing cut off by the cell or by the table's frame.
 */
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { apiAs, launch, signIn, webUrl } from './support';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let templateId = '';

const name = `E2E audit ${Date.now().toString(36)}`;
// Wide on purpose: a dozen keys with long values, and one unbroken value longer than any column.
const input = {
  url: 'https://hooks.example.com/e2e-audit',
  payload: {
    ...Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`field_${index}`, `value ${index} `.repeat(8).trim()]),
    ),
    unbroken: 'x'.repeat(300),
  },
};

/** How far the element's content reaches past its box, sideways. */
const overflowOf = (locator: Locator) => locator.evaluate((element) => element.scrollWidth - element.clientWidth);

beforeAll(async () => {
  await mkdir(resultsDir, { recursive: true });
  ({ browser, context, page, pageErrors } = await launch({ width: 1440, height: 900 }));
  await signIn(page);
  ({ id: templateId } = await apiAs<{ id: string }>(page, 'mutation', 'templates.create', {
    name,
    type: 'webhook.deliver',
    input,
  }));
}, 60_000);

afterAll(async () => {
  if (templateId) await apiAs(page, 'mutation', 'templates.delete', { id: templateId }).catch(() => undefined);
  await context?.close();
  await browser?.close();
});

describe('the audit log', () => {
  it('shows a long params value whole at 1440 px', async () => {
    await page.goto(`${webUrl}/audit?action=templates.create`);
    const row = page.locator('[data-testid="audit-row"]', { hasText: name.slice(0, 20) }).first();
    await row.waitFor();
    const frame = page.locator('.table-scroll:has([data-testid="audit-table"])');
    const cell = row.locator('td.params-cell');

    const params = row.getByTestId('audit-params');
    const preview = params.locator('summary');
    // Folded, the preview is not cut by its box, nor the cell by the table's frame.
    expect(await overflowOf(frame)).toBeLessThanOrEqual(1);
    expect(await overflowOf(cell)).toBeLessThanOrEqual(1);
    expect(await overflowOf(preview)).toBeLessThanOrEqual(1);

    // Unfolded, the whole JSON is there, wrapped inside the column.
    await preview.click();
    const json = params.locator('pre');
    await json.waitFor();
    expect(JSON.parse((await json.textContent())!)).toMatchObject({ name, type: 'webhook.deliver', input });
    for (const box of [json, preview, cell, frame]) expect(await overflowOf(box)).toBeLessThanOrEqual(1);
    const [box, frameBox] = [await json.boundingBox(), await frame.boundingBox()];
    expect(box!.x).toBeGreaterThanOrEqual(frameBox!.x - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frameBox!.x + frameBox!.width + 1);
    await page.screenshot({ path: `${resultsDir}audit-params-1440.png`, fullPage: true });
  }, 60_000);

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
