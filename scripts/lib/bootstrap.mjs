// What both `npm run dev` and `npm test` do first: install whatever is missing. Plain Node only,
// since it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, log } from './util.mjs';
import { ensureTemporalCli } from './temporal.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newer(a, b) {
  return !existsSync(b) || (existsSync(a) && statSync(a).mtimeMs > statSync(b).mtimeMs);
}

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(
      `Node.js ${process.versions.node} is too old: Jobdeck needs 20.19 or newer (Prisma 7 and Vite 8 do)`,
    );
  }
}

/** npm ci when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const marker = join(repoRoot, 'node_modules', '.package-lock.json');
  if (!newer(join(repoRoot, 'package-lock.json'), marker)) return;
  log('installing dependencies (npm ci)');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: repoRoot, stdio: 'inherit' });
}

/**
 * Generates the Prisma client when the schema changed. Generating needs no schema engine, but the
 * CLI downloads one at start unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file: point it at
 * any file where no engine was downloaded, so that a machine without Prisma's CDN works too.
 */
export function ensurePrismaClient({ force = false } = {}) {
  const db = join(repoRoot, 'packages', 'db');
  const client = join(db, 'src', 'generated', 'prisma', 'client.ts');
  if (!force && !newer(join(db, 'prisma', 'schema.prisma'), client)) return;
  log('generating the Prisma client');
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'prisma'), ['generate'], {
    cwd: db,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Chromium for the browser tests: CHROMIUM_PATH, a system Chromium, or Debian's package when we may install it. */
export function ensureChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    log('installing Chromium for the browser tests (apt-get install chromium)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error('the browser tests need Chromium: install it (e.g. `apt-get install chromium`) or set CHROMIUM_PATH');
}

export function bootstrap({ chromium = false } = {}) {
  checkNode();
  ensureDependencies();
  ensurePrismaClient();
  const temporalCli = ensureTemporalCli();
  const chromiumPath = chromium ? ensureChromium() : null;
  return { temporalCli, chromiumPath };
}
