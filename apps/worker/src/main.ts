import { loadWorkerConfig } from './config';
import { startWorkers } from './workers';

// Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown: polling stops, running
// activities get JOBDECK_SHUTDOWN_GRACE_MS to finish, then are cancelled and retried elsewhere.
const workers = await startWorkers(loadWorkerConfig());
await workers.done;
console.log('worker stopped');
