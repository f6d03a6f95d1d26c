// Records the history of a job run by an earlier workflow shell, for the replay test
// (tests/integration/shell.test.ts): `npx tsx scripts/record-legacy-history.ts <commit> <out.json>`.
// The shell at <commit> runs in a worker of its own, on a throwaway Temporal dev server, with stub
// activities (the history is what matters, not the work); the interceptor's "active" signal is sent
// as that shell's worker sent it. Payloads use Temporal's default converter, so the fixture holds no key.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startTemporalDevServer, ensureTemporalCli } from './lib/temporal.mjs';
import { freePort, repoRoot } from './lib/util.mjs';

const [commit = 'a7d0c13', out = join(repoRoot, 'tests/fixtures/histories/legacy-shell-data-sync.json')] =
  process.argv.slice(2);
// Inside the repo, so that the old sources resolve this checkout's node_modules.
const tree = join(repoRoot, '.data', `legacy-shell-${commit}`);
rmSync(tree, { recursive: true, force: true });
mkdirSync(tree, { recursive: true });
execFileSync('sh', [
  '-c',
  `git -C ${JSON.stringify(repoRoot)} archive ${commit} packages/workflows/src | tar -x -C ${JSON.stringify(tree)}`,
]);
const entry = join(tree, 'entry.ts');
writeFileSync(entry, `export { dataSync } from './packages/workflows/src/jobs/data-sync/workflow';\n`);

const port = await freePort();
const server = await startTemporalDevServer({
  cli: ensureTemporalCli(),
  port,
  uiPort: await freePort(),
  headless: true,
  searchAttributes: { JobType: 'Keyword', JobState: 'Keyword', JobPriority: 'Int', RequestedBy: 'Keyword' },
});
try {
  const address = `127.0.0.1:${port}`;
  const client = new Client({ connection: await Connection.connect({ address }) });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: entry,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const activities = {
    recordJobStarted: async () => {},
    recordJobFinished: async () => {},
    takeRateLimitSlot: async () => 0,
    syncRecords: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { records: 1, batches: 1, resumedFrom: null, output: 'stub' };
    },
  };
  const connection = await NativeConnection.connect({ address });
  const workers = await Promise.all(
    ['sync', 'jobdeck-bookkeeping'].map((taskQueue) =>
      Worker.create({ connection, taskQueue, workflowBundle, activities }),
    ),
  );
  const running = workers.map((worker) => worker.run());
  const id = 'data.sync-legacy-shell-fixture';
  const envelope = {
    jobId: id,
    type: 'data.sync',
    queue: 'sync',
    input: { source: 'fixture', records: 1, batchSize: 1, throttleMs: 0 },
    priority: 'normal',
    retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 10000 },
    activity: { startToCloseMs: 60000, heartbeatMs: 30000, nonRetryableErrors: [] },
    requestedBy: 'fixture',
    requestedByRole: 'operator',
    enqueuedAt: new Date().toISOString(),
  };
  const handle = await client.workflow.start('dataSync', { taskQueue: 'sync', workflowId: id, args: [envelope] });
  await new Promise((resolve) => setTimeout(resolve, 150));
  await handle.signal('jobdeck.attempt', { state: 'active', attempt: 1, activity: 'syncRecords' });
  await handle.result();
  const history = await handle.fetchHistory();
  writeFileSync(out, JSON.stringify(history, null, 1));
  console.log(`wrote ${out}: ${history.events?.length} events`);
  for (const worker of workers) worker.shutdown();
  await Promise.all(running);
  await connection.close();
} finally {
  server.kill?.('SIGTERM');
  rmSync(tree, { recursive: true, force: true });
}
process.exit(0);
