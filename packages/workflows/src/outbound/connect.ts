import net, { isIP } from 'node:net';
import tls from 'node:tls';
import { OutboundRefusedError } from './errors';
import type { PolicyLookup } from './lookup';
import { refusalError, type OutboundPolicy } from './policy';

export interface ConnectTarget {
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  lookup: PolicyLookup;
}

/** Opens the socket of one request. Tests inject one, so that no packet leaves the machine. */
export type Connector = (target: ConnectTarget) => net.Socket;

export const systemConnector: Connector = ({ protocol, host, port, lookup }) =>
  protocol === 'https:'
    ? tls.connect({ host, port, lookup, servername: isIP(host) ? undefined : host })
    : net.connect({ host, port, lookup });

/**
 * A connection already made is checked once more against the address it reached: the lookup has
 * decided already, so this only catches a connector or Node version that bypasses it.
 */
export function guardConnectedAddress(socket: net.Socket, host: string, policy: OutboundPolicy): void {
  const verify = (): Error | null => {
    const remote = socket.remoteAddress;
    if (!remote) return new OutboundRefusedError(host, 'unknown-address', 'the connected address could not be read');
    const decision = policy.decide(host, remote);
    return decision.allowed ? null : refusalError(host, decision);
  };
  if (socket.connecting) {
    // Prepended, so that it runs before the request's queued bytes are flushed on 'connect'.
    socket.prependOnceListener('connect', () => {
      const refusal = verify();
      if (refusal) socket.destroy(refusal);
    });
    return;
  }
  const refusal = verify();
  if (refusal) {
    socket.destroy();
    throw refusal;
  }
}
