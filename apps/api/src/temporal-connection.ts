import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * Every call the API makes to Temporal answers within `deadlineMs`, retries included.
 *
 * Without it, a call to an unreachable Temporal is retried by the client's default interceptor ten
 * times with backoff (about 20 s) before failing, and a retry that succeeds after the caller gave up
 * still carries out the command (an enqueue the client had abandoned started later). With it:
 * - a call gets an absolute deadline unless the caller chose one (`connection.withDeadline`);
 * - the deadline travels to the server (`grpc-timeout`), so Temporal itself drops a request whose
 *   caller has stopped waiting instead of acting on it late;
 * - a retry that could not start before the deadline is not made: the last failure is answered.
 */
export function deadlineInterceptor(deadlineMs: number): Interceptor {
  const base = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const deadline = options.deadline ?? Date.now() + deadlineMs;
    const until = deadline instanceof Date ? deadline.getTime() : deadline;
    let delayMs = 0;
    const retry = makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        delayMs = base.delayFunction(attempt, status);
        return base.retryableDecider(attempt, status) && Date.now() + delayMs < until;
      },
      delayFunction: () => delayMs,
    });
    return retry({ ...options, deadline }, nextCall);
  };
}

export interface TemporalConnectionSettings {
  address: string;
  /** The longest one call (with its retries) may take: JOBDECK_TEMPORAL_DEADLINE_MS. */
  deadlineMs: number;
}

/**
 * The API's connection. Lazy, so that the API starts (and serves what Postgres can answer) while
 * Temporal is away, and connects when it is back. gRPC's reconnect backoff grows to two minutes by
 * default; capped at a few seconds, a Temporal that comes back is used again within seconds.
 */
export function temporalConnection({ address, deadlineMs }: TemporalConnectionSettings): Connection {
  return Connection.lazy({
    address,
    connectTimeout: deadlineMs,
    interceptors: [deadlineInterceptor(deadlineMs)],
    channelArgs: {
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 15_000,
      'grpc.initial_reconnect_backoff_ms': 500,
      'grpc.max_reconnect_backoff_ms': 3_000,
    },
  });
}
