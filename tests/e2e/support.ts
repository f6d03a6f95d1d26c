// Shared by e2e suites: the browser the dashboard suite launches (same flags), and a sign-in.
import { inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const webUrl = inject('webUrl').replace(/\/$/, '');
export const apiUrl = inject('apiUrl').replace(/\/$/, '');
export const adminEmail = inject('adminEmail');
export const adminPassword = inject('adminPassword');

export async function launch(
  viewport = { width: 1280, height: 900 },
): Promise<{ browser: Browser; context: BrowserContext; page: Page; pageErrors: string[] }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

/**
 * A call to the API with the session the browser holds (one login: logins are rate limited). Throws
 * unless the API answered with a result.
 */
export async function apiAs<T>(page: Page, kind: 'query' | 'mutation', procedure: string, input?: unknown): Promise<T> {
  const token = await page.evaluate(() => localStorage.getItem('jobdeck.token'));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response =
    kind === 'query'
      ? await fetch(`${apiUrl}/trpc/${procedure}${query}`, { headers })
      : await fetch(`${apiUrl}/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify(input ?? null) });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!body.result) throw new Error(`${procedure}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

export async function signIn(page: Page, url = webUrl): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('login-email').fill(adminEmail);
  await page.getByTestId('login-password').fill(adminPassword);
  await page.getByTestId('login-submit').click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}
