import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { refusalError, type OutboundDecision, type OutboundPolicy } from './policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. Injected in tests, so that DNS answers can be scripted. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Resolves a host and keeps the addresses the policy allows, in the resolver's order. When none is
 * allowed the first refusal is thrown, naming its address and rule. An IP literal is checked as is.
 */
export async function resolveAllowed(
  policy: OutboundPolicy,
  resolver: Resolver,
  hostname: string,
): Promise<ResolvedAddress[]> {
  const family = isIP(hostname);
  const answers: ResolvedAddress[] = family
    ? [{ address: hostname, family: family as 4 | 6 }]
    : await resolver(hostname);
  if (!answers.length) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  let firstRefusal: Extract<OutboundDecision, { allowed: false }> | undefined;
  const allowed: ResolvedAddress[] = [];
  for (const answer of answers) {
    const decision = policy.decide(hostname, answer.address);
    if (decision.allowed) allowed.push(answer);
    else firstRefusal ??= decision;
  }
  if (!allowed.length) throw refusalError(hostname, firstRefusal!);
  return allowed;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type PolicyLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/tls connect: the socket connects to exactly the addresses this returns, so the
 * answer that was checked is the one used, and a DNS answer that changes afterwards (rebinding)
 * is never connected to. Node calls it with `all: true` when it may try several addresses.
 */
export function policyLookup(policy: OutboundPolicy, resolver: Resolver): PolicyLookup {
  return (hostname, options, callback) => {
    resolveAllowed(policy, resolver, hostname).then(
      (allowed) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family === 4 || family === 6 ? allowed.filter((answer) => answer.family === family) : allowed;
        if (!usable.length) {
          callback(
            Object.assign(new Error(`${hostname} has no allowed IPv${family} address`), { code: 'ENOTFOUND' }),
            '',
          );
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
