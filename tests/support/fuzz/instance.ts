// The API instance the fuzzer attacks: created in the test process, with its own Temporal namespace
// (no worker polls it, so nothing enqueued there runs, and queue pauses touch only it), its own
// database and its own Redis prefix. Destructive admin procedures act inside it and nowhere else.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createApiServer, createServices, ensureAdmin, listen, loadApiConfig, type Services } from '@jobdeck/api';
import { applyMigrations, dropDatabase, ensureDatabase } from '@jobdeck/db/migrate';
import { SEARCH_ATTRIBUTES } from '@jobdeck/workflows';
import { createHash } from 'node:crypto';

const run = promisify(execFile);

export interface FuzzInstance {
  url: string;
  namespace: string;
  databaseUrl: string;
  services: Services;
  server: Server;
  adminEmail: string;
  adminPassword: string;
  adminUserId: string;
  /** Service tokens the fuzzer calls with, by role, and one that was revoked. */
  tokens: { viewer: string; operator: string; admin: string; revoked: string };
  /** ApiToken ids (and session hashes) made by the set-up itself: not the fuzzer's doing. */
  setupTokenIds: Set<string>;
  /** Audit rows up to this id were written by the set-up. */
  auditStartId: bigint;
  close(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the hostile suite through \`npm test -- hostile\``);
  return value;
}

/** The same server as DATABASE_URL, another database. */
export function siblingDatabaseUrl(databaseUrl: string, suffix: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'jobdeck';
  url.pathname = `/${encodeURIComponent(`${name}_${suffix}`.slice(0, 63))}`;
  return url.toString();
}

async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await run(
    process.env.TEMPORAL_CLI ?? 'temporal',
    [...args, '--address', required('TEMPORAL_ADDRESS')],
    { timeout: 60_000 },
  );
  return stdout;
}

async function createNamespace(namespace: string): Promise<void> {
  await temporalCli(['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '24h']);
  // One attribute per call, checked afterwards: the dev server registers only the first of several
  // names given in one call, and a fresh namespace may take a moment to be known everywhere.
  for (let attempt = 0; ; attempt++) {
    const listed = await temporalCli(['operator', 'search-attribute', 'list', '--namespace', namespace]).catch(
      () => '',
    );
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(
      ([name]) => !new RegExp(`^\\s*${name}\\s`, 'm').test(listed),
    );
    if (!missing.length) return;
    if (attempt >= 20)
      throw new Error(`search attributes ${missing.map(([name]) => name).join(', ')} not registered on ${namespace}`);
    for (const [name, type] of missing) {
      await temporalCli([
        'operator',
        'search-attribute',
        'create',
        '--namespace',
        namespace,
        '--name',
        name,
        '--type',
        type,
      ]).catch(() => undefined);
    }
    await sleep(300);
  }
}

async function trpc(url: string, path: string, input: unknown, token?: string): Promise<any> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const json = (await response.json()) as any;
  if (!response.ok)
    throw new Error(`set-up ${path} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return json.result.data;
}

export async function startFuzzInstance(): Promise<FuzzInstance> {
  const namespace = `jobdeck-fuzz-${process.pid}`;
  const databaseUrl = siblingDatabaseUrl(required('DATABASE_URL'), 'fuzz');
  const redisPrefix = `${process.env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:'}fuzz:`;
  const cleanup: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of cleanup.reverse())
      await step().catch((error: Error) => console.error(`fuzz clean-up: ${error.message}`));
  };
  try {
    await Promise.all([
      createNamespace(namespace),
      (async () => {
        await ensureDatabase(databaseUrl);
        cleanup.push(() => dropDatabase(databaseUrl));
        await applyMigrations(databaseUrl);
      })(),
    ]);
    const services = await createServices(
      loadApiConfig({
        ...process.env,
        DATABASE_URL: databaseUrl,
        TEMPORAL_NAMESPACE: namespace,
        JOBDECK_REDIS_PREFIX: redisPrefix,
        API_HOST: '127.0.0.1',
        API_PORT: '0',
      }),
    );
    cleanup.push(async () => {
      // Nothing may keep running: schedules would go on starting workflows until the server stops.
      const client = services.temporal;
      for await (const schedule of client.schedule.list())
        await client.schedule
          .getHandle(schedule.scheduleId)
          .delete()
          .catch(() => undefined);
      await temporalCli([
        'workflow',
        'terminate',
        '--namespace',
        namespace,
        '--query',
        "ExecutionStatus='Running'",
        '--reason',
        'fuzz run over',
        '--yes',
      ]).catch(() => undefined);
      await services.close();
      await temporalCli(['operator', 'namespace', 'delete', '--namespace', namespace, '--yes']).catch(() => undefined);
    });
    // The namespace answers once every service of the dev server knows it.
    for (let attempt = 0; ; attempt++) {
      try {
        await services.temporal.workflow.count('JobType IS NOT NULL');
        break;
      } catch (error) {
        if (attempt >= 40) throw error;
        await sleep(500);
      }
    }
    const server = createApiServer(services);
    const port = await listen(server, 0, '127.0.0.1');
    cleanup.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const url = `http://127.0.0.1:${port}`;

    const adminEmail = 'admin@localhost';
    const adminPassword = `fuzz-${process.pid}-admin-password`;
    await ensureAdmin(services.db, adminEmail, adminPassword);
    const admin = await services.db.user.findUniqueOrThrow({ where: { email: adminEmail } });
    const session = await trpc(url, 'auth.login', { email: adminEmail, password: adminPassword });
    const tokens = { viewer: '', operator: '', admin: '', revoked: '' };
    for (const role of ['viewer', 'operator', 'admin'] as const)
      tokens[role] = (await trpc(url, 'tokens.create', { name: `fuzz ${role}`, role }, session.token)).token;
    const revoked = await trpc(url, 'tokens.create', { name: 'fuzz revoked', role: 'admin' }, session.token);
    await trpc(url, 'tokens.revoke', { id: revoked.id }, session.token);
    tokens.revoked = revoked.token;
    // Every token row so far is the set-up's own (its session included).
    const setupTokenIds = new Set(
      (await services.db.apiToken.findMany({ select: { id: true } })).map((token) => token.id),
    );
    const lastAudit = await services.db.auditLog.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    return {
      url,
      namespace,
      databaseUrl,
      services,
      server,
      adminEmail,
      adminPassword,
      adminUserId: admin.id,
      tokens,
      setupTokenIds,
      auditStartId: lastAudit?.id ?? 0n,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
