import net, { type Socket } from 'node:net';
import { guardConnectedAddress } from '../../outbound/connect';
import { OutboundRefusedError } from '../../outbound/errors';
import { resolveAllowed, systemResolver, type Resolver } from '../../outbound/lookup';
import type { OutboundPolicy } from '../../outbound/policy';

/**
 * The SMTP connection under the outbound-address policy, as nodemailer's `getSocket` hook: the host
 * is resolved and each address decided by the policy (as for every HTTP request Jobdeck makes), the
 * socket connects to an allowed address only, and the address reached is checked once more. For
 * smtps:// nodemailer then wraps this socket in TLS, and STARTTLS upgrades it, as without the hook.
 */

export interface SmtpSocketOptions {
  host?: string | undefined;
  port?: number | undefined;
  secure?: boolean | undefined;
}

type GetSocketCallback = (error: Error | null, socketOptions?: { connection: Socket } | false) => void;

const CONNECT_TIMEOUT_MS = 15_000;

export function policySmtpSocket(
  policy: OutboundPolicy,
  /** Told of a refusal, so that the delivery gives up at once whatever nodemailer makes of the error. */
  onRefused: (refusal: OutboundRefusedError) => void,
  resolver: Resolver = systemResolver,
) {
  return (options: SmtpSocketOptions, callback: GetSocketCallback): void => {
    const host = String(options.host || 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (options.secure ? 465 : 587);
    const fail = (error: Error) => {
      if (error instanceof OutboundRefusedError) onRefused(error);
      callback(error);
    };
    resolveAllowed(policy, resolver, host).then((allowed) => {
      const socket = net.connect({ host: allowed[0]!.address, port });
      guardConnectedAddress(socket, host, policy);
      const timer = setTimeout(
        () => socket.destroy(new Error(`connecting to ${host}:${port} timed out after ${CONNECT_TIMEOUT_MS} ms`)),
        CONNECT_TIMEOUT_MS,
      );
      const onError = (error: Error) => {
        clearTimeout(timer);
        fail(error);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        // The guard, listening first, may have refused the address it reached: its error follows.
        if (socket.destroyed) return;
        socket.removeListener('error', onError);
        callback(null, { connection: socket });
      });
    }, fail);
  };
}
