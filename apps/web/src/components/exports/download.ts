/**
 * Downloads a file the API serves (`/exports/download?ticket=…`, `/exports/<id>/file`): same origin,
 * through the proxy that carries /trpc (Vite in dev, nginx in production). A plain link, so that the
 * browser writes the file to disk as it arrives, however large: the session goes along as the
 * HttpOnly cookie the API scopes to /exports/ (see apps/api/src/auth/session-cookie.ts). Before
 * leaving the page, the link is checked with a HEAD request, so that a refusal (an expired link,
 * another user's export) is said here with the server's message instead of as a failed download.
 */
export async function downloadFile(url: string): Promise<void> {
  const check = await fetch(url, { method: 'HEAD', credentials: 'same-origin' });
  if (!check.ok) {
    const refusal = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
    const body = (await refusal?.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `the download failed (HTTP ${check.status})`);
  }
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}
