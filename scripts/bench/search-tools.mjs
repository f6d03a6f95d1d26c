// Helpers of the search and export benches: tRPC calls over HTTP, an API process on the kept
// database, a process's CPU, the EXPLAIN of a search's statements, and the diagnosis passes of the
// search bench (the SQL alone, page and count apart; CPU per call over HTTP).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../lib/util.mjs';
import { runProcess, stopProcess } from '../lib/processes.mjs';
import { timed } from './measure.mjs';

/** A fixed admin password for the APIs started on the kept database: its admin outlives a run. */
export const BENCH_ADMIN_PASSWORD = 'bench-search-admin-password';
/** Sequential calls of each search over which the API's and Postgres's CPU per call is measured. */
const CPU_CALLS = 10;
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** A tRPC query over HTTP; the parsed result's data. */
export async function trpcGet(apiUrl, token, path, input) {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${apiUrl}/trpc/${path}${query}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (!response.ok)
    throw Object.assign(new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`), {
      status: response.status,
    });
  return JSON.parse(body).result.data;
}

export async function trpcPost(apiUrl, token, path, input) {
  const response = await fetch(`${apiUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = await response.text();
  if (!response.ok)
    throw Object.assign(new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`), {
      status: response.status,
    });
  return JSON.parse(body).result.data;
}

export async function login(apiUrl, password = BENCH_ADMIN_PASSWORD) {
  const data = await trpcPost(apiUrl, null, 'auth.login', { email: 'admin@localhost', password });
  return data.token;
}

/** An API process on another database (and optionally another Temporal), on a free port. */
export async function startApiOn({ env, databaseUrl, logDir, name = 'api-search', extraEnv = {} }) {
  const port = await freePort();
  const logFile = join(logDir, `${name}.log`);
  const child = runProcess('api', process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      API_PORT: String(port),
      JOBDECK_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      ...extraEnv,
    },
    logFile,
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `the ${name} API`,
      async () => {
        if (child.exitCode !== null)
          throw Object.assign(new Error(`the ${name} API exited with ${child.exitCode} (see ${logFile})`), {
            fatal: true,
          });
        return (await fetch(`${apiUrl}/healthz`).catch(() => null)) !== null;
      },
      90_000,
    );
  } catch (error) {
    await stopProcess(child, 5_000);
    throw error;
  }
  return { child, apiUrl, logFile };
}

/** utime + stime of a process (all its threads), in seconds; NaN once it is gone. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** A pg.Pool that remembers the statements run through its clients (for EXPLAIN). */
function recordingPool(pool) {
  const seen = [];
  return {
    seen,
    pool: {
      connect: async () => {
        const client = await pool.connect();
        return {
          query: (text, values) => {
            if (!/^(BEGIN|COMMIT|ROLLBACK|SELECT set_config)/.test(text)) seen.push({ text, values });
            return client.query(text, values);
          },
          release: () => client.release(),
        };
      },
    },
  };
}

/** The EXPLAIN (ANALYZE, BUFFERS) of every statement a search runs (page, nulls page, count). */
export async function explainSearch(client, control, pgPool, search, after, limit) {
  const recorder = recordingPool(pgPool);
  await control.searchPage(recorder.pool, search, { columns: '"id"', limit, after });
  if (!after) await control.countSearch(recorder.pool, search);
  const plans = [];
  for (const { text, values } of recorder.seen) {
    if (text.startsWith('EXPLAIN')) continue;
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    plans.push({ statement: text.replace(/\s+/g, ' ').trim(), values, plan: rows.map((row) => row['QUERY PLAN']) });
  }
  return plans;
}

/** The plan's lines that say what it did: scans, sorts, and the execution time. */
export function planGist(plan) {
  return plan
    .filter((line) => /Scan|Sort|Execution Time|Limit|Recheck|Rows Removed/.test(line))
    .slice(0, 8)
    .map((line) => line.replace(/\s+/g, ' ').trim().slice(0, 160));
}

/** The keyset position a deep page's cursor stands for: the last row of the page before it, by SQL. */
async function positionOf(control, pool, entry, limit) {
  let after = null;
  for (let page = 1; page < entry.deep; page++) {
    const result = await control.searchPage(pool, entry.search, { columns: '"id"', limit, after });
    after = result.next;
  }
  return after;
}

/**
 * The SQL alone (searchPage, then countSearch, in this process on `pool`'s one connection), each
 * timed apart, with the CPU its Postgres backend spent: on a busy machine the CPU is the steadier
 * figure. Sets entry.after, pageSamples, countSamples, pageCpuMs, countCpuMs.
 */
export async function sampleSql({ searches, control, pool, samples, page: limit }) {
  const { rows: backend } = await pool.query('SELECT pg_backend_pid() AS pid');
  const sqlPid = backend[0].pid;
  for (const entry of searches) {
    const after = entry.cursor ? await positionOf(control, pool, entry, limit) : null;
    entry.after = after;
    const page = () =>
      control.searchPage(pool, entry.search, { columns: '"id", "state", "type", "createdAt"', limit, after });
    const total = () => (after ? null : control.countSearch(pool, entry.search));
    for (let i = 0; i < 2; i++) await Promise.all([page(), total()]);
    entry.pageSamples = [];
    entry.countSamples = [];
    let pageCpu = 0;
    let countCpu = 0;
    for (let i = 0; i < samples; i++) {
      let c0 = cpuSecondsOf(sqlPid);
      entry.pageSamples.push((await timed(page)).ms);
      pageCpu += cpuSecondsOf(sqlPid) - c0;
      if (after) continue;
      c0 = cpuSecondsOf(sqlPid);
      entry.countSamples.push((await timed(total)).ms);
      countCpu += cpuSecondsOf(sqlPid) - c0;
    }
    entry.pageCpuMs = (pageCpu * 1000) / samples;
    entry.countCpuMs = after ? null : (countCpu * 1000) / samples;
  }
}

/**
 * CPU per call over HTTP: the API process and the Postgres backends of the seeded database (the API's
 * connections, listed after a first call), over CPU_CALLS sequential calls of each search. Sets
 * entry.sequentialMs, apiCpuMs, pgCpuMs.
 */
export async function sampleCpu({ searches, client, api, call }) {
  for (const entry of searches) {
    await call(entry);
    const { rows: apiBackends } = await client.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'search-bench-sql'`,
    );
    const pids = [api.child.pid, ...apiBackends.map((row) => row.pid)];
    const before = pids.map(cpuSecondsOf);
    const w0 = performance.now();
    for (let i = 0; i < CPU_CALLS; i++) await call(entry);
    entry.sequentialMs = (performance.now() - w0) / CPU_CALLS;
    const after = pids.map(cpuSecondsOf);
    entry.apiCpuMs = ((after[0] - before[0]) * 1000) / CPU_CALLS;
    entry.pgCpuMs = (after.slice(1).reduce((sum, v, i) => sum + (v - before[i + 1] || 0), 0) * 1000) / CPU_CALLS;
  }
}
