// The dashboard's JavaScript as a browser fetches it: a production build (Vite, with its manifest)
// into a temporary folder, then the gzip size of the initial JS (the entry chunk and everything it
// imports statically) and of the Insight page (its lazy chunk and the static imports of that chunk the
// initial load did not already bring).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../lib/util.mjs';

/** Chunk keys reachable from `roots` through static imports. */
function closure(manifest, roots) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) visit(next);
  };
  roots.forEach(visit);
  return seen;
}

/**
 * Builds apps/web and measures it. Returns { initial, insight, chunks } with { files, bytes, gzip }
 * per part (insight: null when no lazy chunk of the manifest is named after insight), or { error }.
 */
export function measureBundle({ log = () => {} } = {}) {
  const outDir = mkdtempSync(join(tmpdir(), 'jobdeck-bench-web-'));
  try {
    const t0 = performance.now();
    const build = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/web/vite.config.ts',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--manifest',
        '--logLevel',
        'warn',
      ],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
    );
    const manifestFile = join(outDir, '.vite', 'manifest.json');
    if (build.status !== 0 || !existsSync(manifestFile)) {
      const said = `${build.stderr ?? ''}${build.stdout ?? ''}`.trim().split('\n').slice(-6).join(' | ');
      return { error: `the dashboard's build failed (exit ${build.status}): ${said}` };
    }
    log(`insight: dashboard built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const size = (keys) => {
      const files = [...keys].map((key) => manifest[key].file).filter((file) => file.endsWith('.js'));
      let bytes = 0;
      let gzip = 0;
      for (const file of files) {
        const content = readFileSync(join(outDir, file));
        bytes += content.length;
        gzip += gzipSync(content).length;
      }
      return { files, bytes, gzip };
    };
    const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
    const initialKeys = closure(manifest, entries);
    const insightRoots = Object.keys(manifest).filter(
      (key) =>
        manifest[key].isDynamicEntry &&
        /insight/i.test(`${key} ${manifest[key].name ?? ''} ${manifest[key].src ?? ''}`) &&
        !initialKeys.has(key),
    );
    const insightKeys = [...closure(manifest, insightRoots)].filter((key) => !initialKeys.has(key));
    return {
      initial: size(initialKeys),
      insight: insightRoots.length ? { ...size(insightKeys), roots: insightRoots } : null,
      // Whether the Insight page was bundled into the initial load instead (a static import).
      insightInInitial: [...initialKeys].some((key) => /pages\/insight/i.test(key)),
      chunks: Object.keys(manifest).length,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
