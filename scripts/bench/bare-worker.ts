// The bare baseline's worker, its own process so that its CPU is measured apart from Jobdeck's:
// one Temporal worker on one queue, the bare workflow and its activity, Temporal's defaults.
// Run by scripts/bench.mjs: node --import tsx scripts/bench/bare-worker.ts
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { bareActivities } from './bare-activities';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const taskQueue = process.env.BENCH_BARE_QUEUE ?? 'bench-bare';
const storageDir = process.env.BENCH_STORAGE_DIR ?? '/tmp/jobdeck-bench';
// As many activities at once as Jobdeck's worker runs on the `sync` queue.
const concurrency = Number(process.env.BENCH_BARE_CONCURRENCY ?? 4);

Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
  activities: bareActivities(storageDir),
  maxConcurrentActivityTaskExecutions: concurrency,
});
console.log(`bare worker ready on ${taskQueue}`);
await worker.run();
await connection.close();
