// Every script in every package.json runs: each is started with `--help` (or its tool's help), which
// must answer at once and exit 0. A script naming a file that does not exist fails here, not on a
// newcomer's machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../../', import.meta.url).pathname;
const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const workspaces = [
  '.',
  ...root.workspaces.flatMap((pattern) => {
    const dir = pattern.replace(/\/\*$/, '');
    return spawnSync('ls', [join(repoRoot, dir)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map((name) => `${dir}/${name}`);
  }),
].filter((dir) => existsSync(join(repoRoot, dir, 'package.json')));

const scripts = workspaces.flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8'));
  return Object.keys(manifest.scripts ?? {}).map((name) => ({ dir, name, command: manifest.scripts[name] }));
});

describe('package.json scripts', () => {
  it('are found in every workspace', () => {
    expect(scripts.map(({ dir, name }) => `${dir}: ${name}`)).toEqual(
      expect.arrayContaining(['.: dev', '.: test', '.: db:migrate', 'apps/api: start', 'apps/worker: start']),
    );
  });

  it.each(scripts.map((script) => [`${script.dir}: npm run ${script.name}`, script]))(
    '%s answers --help',
    (_, { dir, name, command }) => {
      const result = spawnSync('npm', ['run', '--silent', name, '--', '--help'], {
        cwd: join(repoRoot, dir),
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', DO_NOT_TRACK: '1' },
      });
      const said = `${result.stdout}${result.stderr}`;
      expect({ command, status: result.status, said: result.status === 0 ? 'ok' : said.slice(-600) }).toEqual({
        command,
        status: 0,
        said: 'ok',
      });
      expect(said.trim().length).toBeGreaterThan(0);
    },
    90_000,
  );
});
