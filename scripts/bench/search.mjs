// Bench module: search at a million jobs (issue 11). On the kept, seeded database of
// scripts/bench/search-seed.mjs (1,000,000 ended job records over 30 days, reused between runs when
// its seed matches) it starts an API process of its own and measures the searches users make most,
// each as the dashboard asks for it: GET /trpc/jobs.search with a bearer token, a page of 50, the
// first page with its total (counted exactly to 10,000, else estimated), a deep page by its cursor.
// That is the API's validation, cursor signing and row mapping included, as users feel it. Each
// search is sampled --search-samples times (default 30, after 3 warm-up rounds, in an order rotated
// each round); p50/p95/max per search, each p95 against 150 ms.
//
// Beside it, for diagnosis: the same searches through searchPage and countSearch directly, timed
// apart (the SQL only, in this process), the CPU per call of the API process and of its Postgres
// backends (steadier than wall time on a shared machine), and, for any search whose p95 misses, the
// EXPLAIN (ANALYZE, BUFFERS) of its statements (in results.json, and the plan's top lines printed).
//
// Checks printed with the figures: a secret field's value is not searchable (0 matches), and the
// seed's "inputText" is what searchableInput makes of the same input.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/util.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { summarize, target, timed } from './measure.mjs';
import { ms } from './report.mjs';
import { ensureSearchSeed, customerId, SEARCH_DATABASE } from './search-seed.mjs';
import { explainSearch, login, planGist, sampleCpu, sampleSql, startApiOn, trpcGet } from './search-tools.mjs';

export const SEARCH_LIMIT_MS = 150;
const PAGE = 50;
const WARMUP_ROUNDS = 3;
const DEEP_PAGE = 200;

const count = (n) => n.toLocaleString('en');
const seconds = (msValue) => `${(msValue / 1000).toFixed(1)} s`;

/** The searches measured, over the seed's clock (`now`, ISO). Labels say what the user does. */
export function plannedSearches({ now, customer }) {
  const ago = (hours) => new Date(Date.parse(now) - hours * 3_600_000).toISOString();
  return [
    { label: 'newest first, no filter (the landing page)', search: {} },
    { label: 'text: a customer id', search: { q: customer } },
    { label: 'text: an email address', search: { q: 'user4711@acme.test' } },
    { label: 'text: error mentions 503', search: { q: '503' } },
    { label: 'text: "timed out", not reports (phrase, -type:)', search: { q: '"timed out" -type:report' } },
    { label: 'field-restricted input: input:partner-17.test', search: { q: 'input:partner-17.test' } },
    {
      label: 'failed webhook.deliver, last 24 h',
      search: { states: ['failed'], types: ['webhook.deliver'], created: { from: ago(24) } },
    },
    {
      label: 'state+type+range (7 d) sorted by run time',
      search: { states: ['completed'], types: ['data.sync'], finished: { from: ago(24 * 7) }, sort: 'runTime' },
    },
    { label: 'sort by run time (all)', search: { sort: 'runTime' } },
    { label: 'sort by wait time (all)', search: { sort: 'waitTime' } },
    {
      label: 'requested-by + created range (7 d)',
      search: { requestedBy: 'svc-billing', created: { from: ago(24 * 7) } },
    },
    { label: 'has error + attempts ≥ 3', search: { hasError: true, attempts: { min: 3 } } },
    { label: `deep page (page ${DEEP_PAGE} by cursor), newest first`, search: {}, deep: DEEP_PAGE },
  ];
}

export const searchModule = {
  name: 'search',
  async run({ config, log, env, cleanup = [] }) {
    const records = config.searchRecords ?? 1_000_000;
    const samples = config.searchSamples ?? 30;
    const logDir = join(repoRoot, '.data', 'bench', `run-${process.pid}`, 'logs');
    mkdirSync(logDir, { recursive: true });
    const steps = [];
    const undo = async () => {
      while (steps.length)
        await steps
          .pop()()
          .catch((error) => console.error(`search clean-up: ${error.message}`));
    };
    cleanup.push(undo);
    const sections = [];
    const lines = [];
    const targets = [];
    const results = { records, samples, page: PAGE };
    const { tsImport } = await import('tsx/esm/api');
    try {
      const t0 = performance.now();
      const seeded = await ensureSearchSeed({ serverUrl: env.DATABASE_URL, records, reseed: config.searchReseed, log });
      const { client, databaseUrl, seed } = seeded;
      const endClient = () => client.end();
      steps.push(endClient);
      if (config.searchDrop)
        steps.unshift(async () => {
          const { dropDatabase } = await tsImport(join(repoRoot, 'packages/db/src/migrate.ts'), import.meta.url);
          await dropDatabase(databaseUrl);
        });
      results.seed = { reused: seeded.reused, took: seeded.took, version: seed.version, now: seed.now };
      const { rows: size } = await client.query(
        `SELECT count(*)::int AS rows, pg_total_relation_size('"Job"')::bigint AS bytes, pg_relation_size('"Job_searchText_idx"')::bigint AS gin FROM "Job"`,
      );
      results.seed.table = size[0];
      const gib = (bytes) => `${(Number(bytes) / 2 ** 30).toFixed(2)} GiB`;
      lines.push(
        seeded.reused
          ? `search: reused the kept database ${SEARCH_DATABASE} (seed v${seed.version}, ${count(size[0].rows)} records, seeded ${seed.seededAt.toISOString()}) in ${seconds(performance.now() - t0)}; "Job" ${gib(size[0].bytes)} with indexes, trigram index ${gib(size[0].gin)}`
          : `search: seeded ${count(size[0].rows)} records into ${SEARCH_DATABASE} in ${seconds(performance.now() - t0)}: load ${seconds(seeded.took.loadMs)} (indexes off, AFTER triggers off), indexes ${seconds(seeded.took.indexMs)} (trigram ${seconds(seeded.took.ginMs ?? 0)}), VACUUM ANALYZE ${seconds(seeded.took.analyzeMs)}; "Job" ${gib(size[0].bytes)} with indexes, trigram index ${gib(size[0].gin)}; kept for the next run`,
      );
      log(lines.at(-1));

      // --search-text-statistics N: the statistics target of "searchText" for this run (the migration's is
      // the default, 100), to try what a larger sample does to the plans of text searches; undone after.
      if (config.searchTextStatistics) {
        const target = config.searchTextStatistics;
        await client.query(`ALTER TABLE "Job" ALTER COLUMN "searchText" SET STATISTICS ${Number(target)}`);
        await client.query(`ANALYZE "Job" ("searchText")`);
        // Undone before the client ends (steps run last first).
        steps.splice(steps.indexOf(endClient) + 1, 0, async () => {
          await client.query(`ALTER TABLE "Job" ALTER COLUMN "searchText" SET STATISTICS -1`);
          await client.query(`ANALYZE "Job" ("searchText")`);
        });
        lines.push(
          `search: "searchText" analysed with a statistics target of ${target} for this run (the migration leaves the default, 100)`,
        );
        results.searchTextStatistics = target;
      }

      // The seed's clock: "last 24 h" means the same records on every run over the kept data.
      const { rows: clock } = await client.query(
        `SELECT to_char("now", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now FROM "_BenchSeed"`,
      );
      const now = clock[0].now;
      const customer = await customerId(client, 1234);
      const searches = plannedSearches({ now, customer });

      // Fidelity: the seed's inputText against searchableInput of the same input (lines, any order).
      const { searchableInput } = await tsImport(
        join(repoRoot, 'packages/workflows/src/runtime/search-text.ts'),
        import.meta.url,
      );
      const { rows: inputs } = await client.query(
        `SELECT DISTINCT ON ("type") "type", "input", "inputText" FROM "Job" ORDER BY "type", "id"`,
      );
      const differing = inputs
        .filter(
          (row) =>
            searchableInput(row.input).split('\n').sort().join('\n') !==
            (row.inputText ?? '').split('\n').sort().join('\n'),
        )
        .map((row) => row.type);
      results.inputTextDiffers = differing;

      const api = await startApiOn({ env, databaseUrl, logDir });
      steps.push(() => stopProcess(api.child, 5_000));
      const token = await login(api.apiUrl);
      const request = (search, cursor) => ({ search, limit: PAGE, ...(cursor ? { cursor } : {}) });

      // A secret field's value must match nothing (the seed's secret of record 2, and its prefix).
      const { rows: secretRow } = await client.query(
        `SELECT "input"->>'signingSecret' AS secret FROM "Job" WHERE "input" ? 'signingSecret' LIMIT 1`,
      );
      const secretHits = [];
      for (const q of [secretRow[0]?.secret, 'sk_live_'].filter(Boolean))
        secretHits.push((await trpcGet(api.apiUrl, token, 'jobs.search', request({ q }))).total?.count ?? NaN);
      results.secretMatches = secretHits;
      lines.push(
        `search: checks: a secret field's value ${secretHits.every((hit) => hit === 0) ? 'matches no job (PASS)' : `MATCHES ${secretHits.join(', ')} jobs (FAIL)`}; ` +
          `the seed's inputText ${differing.length ? `DIFFERS from searchableInput for ${differing.join(', ')}` : "is what searchableInput makes of each type's input"}`,
      );

      // Deep pages: walk to the page once, keep its cursor (cursors are stable: keyset positions).
      for (const entry of searches.filter((s) => s.deep)) {
        let cursor = null;
        const w0 = performance.now();
        for (let page = 1; page < entry.deep; page++) {
          cursor = (await trpcGet(api.apiUrl, token, 'jobs.search', request(entry.search, cursor))).nextCursor;
          if (!cursor) throw new Error(`${entry.label}: the search ended before page ${entry.deep}`);
        }
        entry.cursor = cursor;
        log(`search: walked to page ${entry.deep} in ${seconds(performance.now() - w0)}`);
      }

      // The answer of each (its total, exact or estimated), then warm-up, then the samples.
      for (const entry of searches) {
        const data = await trpcGet(api.apiUrl, token, 'jobs.search', request(entry.search, entry.cursor));
        entry.total = data.total;
        entry.items = data.items.length;
        entry.bytes = JSON.stringify(data).length;
      }
      for (let round = 0; round < WARMUP_ROUNDS; round++)
        for (const entry of searches)
          await trpcGet(api.apiUrl, token, 'jobs.search', request(entry.search, entry.cursor));
      log(`search: sampling ${searches.length} searches × ${samples} over HTTP`);
      for (const entry of searches) entry.samples = [];
      for (let round = 0; round < samples; round++) {
        const order = searches.map((_, i) => searches[(i + round * 5) % searches.length]);
        for (const entry of order) {
          const { ms: took } = await timed(() =>
            trpcGet(api.apiUrl, token, 'jobs.search', request(entry.search, entry.cursor)),
          );
          entry.samples.push(took);
        }
      }

      // The SQL alone, page and count apart, with their Postgres CPU; then CPU per call over HTTP.
      const { default: pg } = await import('pg');
      const control = await tsImport(join(repoRoot, 'packages/workflows/src/control/search/index.ts'), import.meta.url);
      const pool = new pg.Pool({
        connectionString: databaseUrl,
        max: 1,
        idleTimeoutMillis: 0,
        application_name: 'search-bench-sql',
      });
      steps.push(() => pool.end());
      const sqlSamples = Math.max(5, Math.round(samples / 3));
      log(`search: sampling the same searches × ${sqlSamples} as SQL only, page and count apart`);
      await sampleSql({ searches, control, pool, samples: sqlSamples, page: PAGE });
      await sampleCpu({
        searches,
        client,
        api,
        call: (entry) => trpcGet(api.apiUrl, token, 'jobs.search', request(entry.search, entry.cursor)),
      });

      const rows = [];
      for (const entry of searches) {
        const summary = summarize(entry.samples);
        const sqlSummary = summarize(entry.pageSamples);
        entry.summary = summary;
        const total = entry.total
          ? `${entry.total.exact ? '' : '~'}${count(entry.total.count)} matches`
          : 'no total (a cursor page)';
        const countSummary = entry.countSamples.length ? summarize(entry.countSamples) : null;
        rows.push([
          entry.label,
          summary,
          '',
          `max ${ms(summary.max)}; ${total}; SQL page p50 ${ms(sqlSummary.p50)}${countSummary ? `, count p50 ${ms(countSummary.p50)}` : ''} ms; ` +
            `CPU per call: API ${ms(entry.apiCpuMs)}, Postgres ${ms(entry.pgCpuMs)} ms (SQL page ${ms(entry.pageCpuMs)}${entry.countCpuMs === null ? '' : `, count ${ms(entry.countCpuMs)}`})`,
        ]);
        targets.push(
          target(`search: ${entry.label} p95`, summary.p95, SEARCH_LIMIT_MS, {
            unit: ' ms',
            how: `p50 ${ms(summary.p50)}, max ${ms(summary.max)}`,
          }),
        );
      }
      sections.push({
        title: `jobs.search at ${count(size[0].rows)} job records over HTTP (page of ${PAGE}, first page with its total)`,
        rows,
      });
      const worst = searches.reduce((a, b) => (b.summary.p95 > a.summary.p95 ? b : a));
      const all = summarize(searches.flatMap((entry) => entry.samples));
      lines.push(
        `search: all ${searches.length} searches together p50 ${ms(all.p50)} / p95 ${ms(all.p95)} ms; the slowest p95 ${ms(worst.summary.p95)} ms (${worst.label}); ` +
          `${searches.filter((entry) => entry.summary.p95 > SEARCH_LIMIT_MS).length} of ${searches.length} above ${SEARCH_LIMIT_MS} ms`,
      );

      targets.push(
        target(`search: the slowest p95 of ${searches.length} searches`, worst.summary.p95, SEARCH_LIMIT_MS, {
          unit: ' ms',
          how: `${worst.label}; all together p50 ${ms(all.p50)}, p95 ${ms(all.p95)}`,
        }),
      );

      // Why a search missed: its statements' plans.
      const explained = config.searchExplain
        ? searches
        : searches.filter((entry) => entry.summary.p95 > SEARCH_LIMIT_MS);
      for (const entry of explained) {
        entry.plans = await explainSearch(client, control, pool, entry.search, entry.after, PAGE);
        for (const [i, plan] of entry.plans.entries())
          lines.push(
            `search EXPLAIN ${entry.label} [${i + 1}/${entry.plans.length}]: ${planGist(plan.plan).join(' | ')}`,
          );
      }
      results.searches = searches.map((entry) => ({
        label: entry.label,
        search: entry.search,
        deepPage: entry.deep ?? null,
        total: entry.total ?? null,
        items: entry.items,
        bytes: entry.bytes,
        summary: entry.summary,
        sqlPage: summarize(entry.pageSamples),
        sqlCount: entry.countSamples.length ? summarize(entry.countSamples) : null,
        cpuMsPerCall: {
          api: entry.apiCpuMs,
          postgres: entry.pgCpuMs,
          sqlPage: entry.pageCpuMs,
          sqlCount: entry.countCpuMs,
        },
        sequentialMs: entry.sequentialMs,
        samplesMs: entry.samples,
        plans: entry.plans ?? null,
      }));
      results.overall = { ...all, worst: worst.label };
    } finally {
      await undo();
    }
    return { sections, lines, targets, results };
  },
};
