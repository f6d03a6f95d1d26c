import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** Same from the repo root (`--config apps/web/vite.config.ts`) as from apps/web (`npm run dev -w`). */
const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.JOBDECK_API_URL ?? 'http://127.0.0.1:4000';
const host = process.env.WEB_HOST ?? '127.0.0.1';
const port = Number(process.env.WEB_PORT ?? 5173);

// The browser talks to one origin; /trpc carries Server-Sent Events too, which the proxy streams as they come.
const proxy: Record<string, ProxyOptions> = {
  '/trpc': { target: api },
  '/healthz': { target: api },
};

export default defineConfig({
  root,
  plugins: [react()],
  server: { host, port, strictPort: true, proxy },
  preview: { host, port, strictPort: true, proxy },
  build: { outDir: 'dist', emptyOutDir: true },
});
