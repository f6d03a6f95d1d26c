import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';
import { devHeaders, productionHeaders } from './security-headers';

/** Same from the repo root (`--config apps/web/vite.config.ts`) as from apps/web (`npm run dev -w`). */
const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const api = process.env.JOBDECK_API_URL ?? 'http://127.0.0.1:4000';
const host = process.env.WEB_HOST ?? '127.0.0.1';
const port = Number(process.env.WEB_PORT ?? 5173);

// The browser talks to one origin; /trpc carries Server-Sent Events too, which the proxy streams as they come.
// Export files are served by the API under /exports/… (a download link, a finished export's file); the
// dashboard's own Exports page is /exports itself, without the slash, and stays the dashboard's.
const proxy: Record<string, ProxyOptions> = {
  '/trpc': { target: api },
  '/healthz': { target: api },
  '/exports/': { target: api },
};

/**
 * The dev server serves the dashboard's sources and nothing else of the repository: by default Vite
 * allows the whole workspace, which put `.data/` (the webhook secret, Temporal's database) one
 * `/@fs/…?raw` away. Beyond apps/web only the dependencies and the two shared files the dashboard
 * imports at run time are reachable.
 */
const fs = {
  strict: true,
  allow: [
    root,
    `${repo}node_modules`,
    `${repo}apps/api/src/client.ts`,
    `${repo}packages/workflows/src/control/merge-input.ts`,
  ],
  deny: ['.env', '.env.*', '*.{crt,pem,key,p12,db,sqlite}', '**/.data/**', '**/.tools/**', '**/.git/**'],
};

export default defineConfig({
  root,
  plugins: [react()],
  server: { host, port, strictPort: true, proxy, fs, headers: devHeaders },
  preview: { host, port, strictPort: true, proxy, headers: productionHeaders },
  build: { outDir: 'dist', emptyOutDir: true },
});
