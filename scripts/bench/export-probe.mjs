// Diagnosis for the export bench: the export writers (packages/workflows/src/export) run in this
// plain process, without Temporal or the worker, over the kept search database, to tell the writer's
// own memory from the worker's. Prints RSS and the JS heap in use every 2 s, and the peaks.
//
//   node scripts/bench/export-probe.mjs [csv|xlsx] [databaseUrl]
// (default: csv on postgresql://postgres@127.0.0.1:5432/jobdeck_benchdata_search; run it under
// `node --expose-gc` to also see what a forced GC leaves, i.e. what is really retained.)
import { createWriteStream } from 'node:fs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { tsImport } from 'tsx/esm/api';
import { repoRoot } from '../lib/util.mjs';

const format = process.argv[2] ?? 'csv';
const databaseUrl = process.argv[3] ?? 'postgresql://postgres@127.0.0.1:5432/jobdeck_benchdata_search';
const exporting = await tsImport(join(repoRoot, 'packages/workflows/src/export/index.ts'), import.meta.url);
const { createSql } = await tsImport(join(repoRoot, 'packages/db/src/index.ts'), import.meta.url);
const sql = createSql(databaseUrl, { maxConnections: 8 });
const request = exporting.normaliseRequest({ search: {}, format });
const dir = mkdtempSync(join(tmpdir(), 'export-probe-'));
const file = join(dir, `probe.${format}`);

const mb = (bytes) => (bytes / 1e6).toFixed(0);
const peak = { rss: 0, heap: 0 };
const idle = process.memoryUsage();
const sample = () => {
  const memory = process.memoryUsage();
  peak.rss = Math.max(peak.rss, memory.rss);
  peak.heap = Math.max(peak.heap, memory.heapUsed);
  return memory;
};
let rows = 0;
const timer = setInterval(() => {
  const memory = sample();
  console.log(
    `${rows} rows: RSS ${mb(memory.rss)} MB, heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB, array buffers ${mb(memory.arrayBuffers)} MB`,
  );
}, 2_000);
const sampler = setInterval(sample, 100);
const t0 = performance.now();
const onPage = async (progress) => {
  rows = progress.rows;
};
if (format === 'xlsx') {
  const out = createWriteStream(file);
  await exporting.writeXlsxExport(sql, request, out, { onPage });
  await finished(out);
} else {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'a');
  await exporting.writeTextExport(sql, request, exporting.TEXT_FORMATS[format], exporting.fileSink(handle), { onPage });
  await handle.close();
}
clearInterval(timer);
clearInterval(sampler);
const seconds = (performance.now() - t0) / 1000;
globalThis.gc?.();
const after = process.memoryUsage();
console.log(
  `${format}: ${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s), ${mb(statSync(file).size)} MB; ` +
    `RSS idle ${mb(idle.rss)} MB, peak ${mb(peak.rss)} MB; heap used idle ${mb(idle.heapUsed)} MB, peak ${mb(peak.heap)} MB` +
    `${globalThis.gc ? `, after a forced GC ${mb(after.heapUsed)} MB (RSS ${mb(after.rss)} MB)` : ''}`,
);
rmSync(dir, { recursive: true, force: true });
await sql.end();
