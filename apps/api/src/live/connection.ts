import type { BusEvent, JobEvent } from '@jobdeck/workflows';
import type { Selector } from './selector';

/**
 * One open stream's outbox. Every SSE message costs the API far more than the event in it (tRPC's
 * stream pipeline, one socket write per line), so a connection sends at most one message per
 * window: the first event after a quiet spell goes out at once, later ones wait for the window to
 * close and leave together. Meanwhile a progress update replaces the same job's earlier one still
 * waiting (a dashboard only draws the latest), so a fast job costs a slow reader nothing extra.
 */

/** Not a bus event: something the stream itself says (events dropped, the bus's health, …). */
export interface LiveNotice {
  kind: `live.${string}`;
  at: string;
  [key: string]: unknown;
}

export type LiveMessage = BusEvent | LiveNotice;

export const DELIVERY_WINDOW_MS = 100;
/** A reader that falls this far behind gets a `live.dropped` notice instead: it should refetch. */
export const MAX_PENDING = 1_000;

export interface ConnectionOptions {
  windowMs?: number;
  maxPending?: number;
}

type JobUpdate = Extract<JobEvent, { kind: 'job.updated' }>;

export class LiveConnection {
  readonly windowMs: number;
  readonly maxPending: number;
  /** Superseded progress updates never sent, and events dropped for a reader too far behind. */
  readonly counts = { delivered: 0, messages: 0, coalesced: 0, dropped: 0 };
  private pending: Array<LiveMessage | null> = [];
  private live = 0;
  /** Where each job's waiting progress-only update sits in `pending`. */
  private progressAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastSent = -Infinity;
  /** The window closed while the reader was still writing the previous batch. */
  private due = false;
  private waiter: { resolve: (batch: LiveMessage[]) => void; reject: (error: Error) => void } | null = null;
  private closed = false;

  constructor(
    readonly selector: Selector,
    options: ConnectionOptions = {},
    private readonly onClose: (connection: LiveConnection) => void = () => {},
  ) {
    this.windowMs = options.windowMs ?? DELIVERY_WINDOW_MS;
    this.maxPending = options.maxPending ?? MAX_PENDING;
  }

  push(message: LiveMessage): void {
    if (this.closed) return;
    const update =
      message.kind === 'job.updated' && (message as JobUpdate).progress !== undefined ? (message as JobUpdate) : null;
    if (update && update.state === undefined) {
      const earlier = this.progressAt.get(update.jobId);
      if (earlier !== undefined) this.drop(earlier);
      this.progressAt.set(update.jobId, this.pending.length);
    } else if (update) {
      // A state change that carries progress supersedes the job's waiting progress update too.
      const earlier = this.progressAt.get(update.jobId);
      if (earlier !== undefined) this.drop(earlier);
      this.progressAt.delete(update.jobId);
    }
    this.pending.push(message);
    this.live += 1;
    if (this.live > this.maxPending) this.overflow();
    this.schedule();
  }

  /** Sends at once (next tick), whatever the window: for notices the reader should not wait for. */
  notify(notice: LiveNotice): void {
    if (this.closed) return;
    this.pending.push(notice);
    this.live += 1;
    this.lastSent = -Infinity;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.schedule();
  }

  /** The next batch, in the order the events came; rejects with an AbortError once `signal` aborts. */
  next(signal?: AbortSignal): Promise<LiveMessage[]> {
    if (this.closed || signal?.aborted) return Promise.reject(abortError());
    if (this.due && this.live) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = null;
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (batch) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(batch);
        },
        reject,
      };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.progressAt.clear();
    this.waiter?.reject(abortError());
    this.waiter = null;
    this.onClose(this);
  }

  private drop(index: number): void {
    if (this.pending[index]) {
      this.pending[index] = null;
      this.live -= 1;
      this.counts.coalesced += 1;
    }
  }

  private overflow(): void {
    const dropped = this.pending.filter((message) => message && message.kind !== 'live.dropped').length;
    this.counts.dropped += dropped;
    this.pending = [
      {
        kind: 'live.dropped',
        count: dropped,
        reason: 'the stream fell behind; refetch what is shown',
        at: new Date().toISOString(),
      },
    ];
    this.live = 1;
    this.progressAt.clear();
  }

  private schedule(): void {
    if (this.timer || this.due) return;
    const wait = Math.max(0, this.lastSent + this.windowMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.live) return;
      this.due = true;
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(this.take());
      }
    }, wait);
  }

  private take(): LiveMessage[] {
    const batch = this.pending.filter((message): message is LiveMessage => message !== null);
    this.pending = [];
    this.live = 0;
    this.progressAt.clear();
    this.due = false;
    this.lastSent = performance.now();
    this.counts.delivered += batch.length;
    this.counts.messages += 1;
    return batch;
  }
}

function abortError(): Error {
  const error = new Error('the stream ended');
  error.name = 'AbortError';
  return error;
}
