import { ENVIRONMENT_VARIABLES, loadWorkerConfig } from './config';
import { startWorkers } from './workers';

if (process.argv.includes('--help')) {
  console.log(
    `npm start -w apps/worker   the worker: polls the job queues on Temporal and runs their workflows and activities.\n\nIt reads (see "Environment variables" in the README): ${ENVIRONMENT_VARIABLES.join(', ')}`,
  );
  process.exit(0);
}

// Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown: polling stops, running
// activities get JOBDECK_SHUTDOWN_GRACE_MS to finish, then are cancelled and retried elsewhere.
const workers = await startWorkers(loadWorkerConfig());
await workers.done;
console.log('worker stopped');
