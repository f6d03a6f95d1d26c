import { isRecordRejected } from '../bookkeeping-errors';

/** One record write. Writes of a job run in the order given; writes of different jobs run side by side. */
export interface RecordOp {
  jobId: string;
  /** For messages: `progress`, `log`, `finished`… */
  kind: string;
  write(): Promise<void>;
  /** What to write instead when the database refuses `write`'s data as such (a value it cannot hold). */
  fallback?(): Promise<void>;
  /** A parked op of the same job with the same key is replaced by the newer one (live progress). */
  coalesceKey?: string;
  /** May be dropped when the outbox is full (log lines); the rest never are. */
  droppable?: boolean;
}

export interface OutboxOptions {
  /** Cheap check that Postgres answers again (`SELECT 1`). */
  probe(): Promise<void>;
  /** Writes that can never land: the recorder turns them into an alert row once it can. */
  onGiveUp(op: RecordOp, reason: string): void;
  onDropped?(jobId: string, kind: string): void;
  /** One line per change between "writing" and "parked", never one per write. */
  log?(message: string): void;
  /** Parked writes kept at most; past it droppable ones are dropped, the oldest first. */
  capacity?: number;
  /** A write that fails this often while Postgres answers is given up (a bug, not an outage). */
  maxFailures?: number;
  backoffMs?: { initial: number; max: number };
}

interface Entry {
  op: RecordOp;
  failures: number;
  done: () => void;
}

/**
 * Keeps record writes while Postgres is away and writes them, in order, when it is back, so that
 * bookkeeping never fails, stalls or repeats a job's own work. A caller's promise resolves when its
 * write landed, or at once when it was parked: a job never waits for its record.
 */
export function createRecordOutbox(options: OutboxOptions) {
  const capacity = options.capacity ?? 100_000;
  const maxFailures = options.maxFailures ?? 5;
  const backoff = options.backoffMs ?? { initial: 500, max: 15_000 };
  const queues = new Map<string, Entry[]>();
  let postgresAway = false;
  let waitForPostgres: Promise<void> | null = null;

  function size(): number {
    let total = 0;
    for (const queue of queues.values()) total += queue.length;
    return total;
  }

  /** One prober for every job: a thousand parked jobs must not each hammer a database that is down. */
  function postgresBack(): Promise<void> {
    waitForPostgres ??= (async () => {
      let delay = backoff.initial;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        try {
          await options.probe();
          break;
        } catch {
          delay = Math.min(backoff.max, delay * 2);
        }
      }
      postgresAway = false;
      waitForPostgres = null;
      options.log?.(`Postgres answers again: writing ${size()} parked record update(s)`);
    })();
    return waitForPostgres;
  }

  function markAway(): void {
    if (postgresAway) return;
    postgresAway = true;
    options.log?.('Postgres is unreachable: record updates are kept in memory and written when it is back');
  }

  function park(queue: Entry[]): void {
    // Everyone behind the failed write stops waiting: their writes land later, in order.
    for (const entry of queue) entry.done();
  }

  async function drain(jobId: string, queue: Entry[]): Promise<void> {
    while (queue.length) {
      const entry = queue[0]!;
      if (postgresAway) {
        park(queue);
        await postgresBack();
        continue;
      }
      try {
        await entry.op.write();
      } catch (error) {
        if (isRecordRejected(error)) {
          await entry.op.fallback?.().catch(() => undefined);
          options.onGiveUp(entry.op, `the database refused it: ${shortMessage(error)}`);
        } else if (await answers(options.probe)) {
          // Postgres is up yet this write fails: retrying forever would hide a bug.
          entry.failures += 1;
          if (entry.failures < maxFailures) {
            await new Promise((resolve) => setTimeout(resolve, backoff.initial * entry.failures).unref());
            continue;
          }
          options.onGiveUp(entry.op, `failed ${entry.failures} times: ${shortMessage(error)}`);
        } else {
          markAway();
          continue;
        }
      }
      queue.shift();
      entry.done();
    }
    queues.delete(jobId);
  }

  function makeRoom(): void {
    if (size() < capacity) return;
    for (const [jobId, queue] of queues) {
      // The head may be in flight; anything behind it that may be dropped goes first.
      const index = queue.findIndex((entry, i) => i > 0 && entry.op.droppable);
      if (index > 0) {
        const [dropped] = queue.splice(index, 1);
        dropped!.done();
        options.onDropped?.(jobId, dropped!.op.kind);
        return;
      }
    }
  }

  return {
    submit(op: RecordOp): Promise<void> {
      return new Promise<void>((resolve) => {
        let queue = queues.get(op.jobId);
        if (queue && op.coalesceKey) {
          const index = queue.findIndex((entry, i) => i > 0 && entry.op.coalesceKey === op.coalesceKey);
          if (index > 0) {
            queue[index]!.done();
            queue[index] = { op, failures: 0, done: resolve };
            if (postgresAway) resolve();
            return;
          }
        }
        if (postgresAway) makeRoom();
        const entry: Entry = { op, failures: 0, done: once(resolve) };
        if (!queue) {
          queue = [entry];
          queues.set(op.jobId, queue);
          void drain(op.jobId, queue);
        } else {
          queue.push(entry);
          if (postgresAway) entry.done();
        }
      });
    },
    /** Writes not yet landed (for the worker's health line and tests). */
    pending(): number {
      return size();
    },
    get parked(): boolean {
      return postgresAway;
    },
    /** Waits until every write has landed or was given up (shutdown, tests). */
    async flush(timeoutMs = 10_000): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return size() === 0;
    },
  };
}

export type RecordOutbox = ReturnType<typeof createRecordOutbox>;

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}

async function answers(probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

function shortMessage(error: unknown): string {
  return (
    String((error as Error)?.message ?? error)
      .split('\n')
      .filter(Boolean)
      .at(-1)
      ?.slice(0, 300) ?? 'unknown error'
  );
}
