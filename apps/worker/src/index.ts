export { loadWorkerConfig, parseQueues, type WorkerConfig, type QueueConfig } from './config';
export { startWorkers, loadWorkflowBundle, type RunningWorkers } from './workers';
