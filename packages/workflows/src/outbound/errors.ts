/**
 * Thrown when the outbound policy will not let a request reach an address. The message names the
 * address and the rule, so the job's error tells an operator what to change; it never carries
 * request headers or bodies, where secrets live.
 */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';

  constructor(
    /** The host as the URL named it, or the address when they are the same. */
    readonly target: string,
    /** The range or reason that refused it: `loopback`, `private`, `protocol`… */
    readonly rule: string,
    reason: string,
  ) {
    super(`outbound policy refused ${target}: ${reason}`);
  }
}

/** The whole exchange (every redirect hop and the body) took longer than the caller allowed. */
export class OutboundTimeoutError extends Error {
  // The name callers and Node's own AbortSignal.timeout() use, so one check covers both.
  override readonly name = 'TimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}
