import ipaddr from 'ipaddr.js';
import {
  allowListHasAddress,
  allowListHasHost,
  EMPTY_ALLOW_LIST,
  normaliseHost,
  parseAllowList,
  type AllowList,
} from './allow-list';
import { OutboundRefusedError } from './errors';

/**
 * Ranges ipaddr.js does not name but that must not pass as global unicast: the deprecated
 * IPv4-compatible form (::a.b.c.d) embeds an IPv4 address, and the rest of ::/8 is reserved.
 */
const EXTRA_IPV6_RANGES: Parameters<typeof ipaddr.subnetMatch>[1] = {
  ipv4Compatible: [ipaddr.IPv6.parse('::'), 96],
  reservedIetf: [ipaddr.IPv6.parse('::'), 8],
};

/** Why each refused range is refused, as the job's error says it. */
const RULES: Record<string, string> = {
  loopback: 'loopback address',
  private: 'private address',
  linkLocal: 'link-local address (cloud metadata services answer there)',
  uniqueLocal: 'unique-local address (private IPv6)',
  unspecified: 'unspecified address (reaches this machine)',
  carrierGradeNat: 'carrier-grade NAT address (some cloud metadata services answer there)',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  reserved: 'reserved address',
  reservedIetf: 'reserved address',
  '6to4': 'IPv6 address that embeds an IPv4 address (6to4)',
  teredo: 'IPv6 address that embeds an IPv4 address (Teredo)',
  rfc6052: 'IPv6 address that embeds an IPv4 address (NAT64)',
  rfc6145: 'IPv6 address that embeds an IPv4 address (IPv4-translated)',
  ipv4Compatible: 'IPv6 address that embeds an IPv4 address (IPv4-compatible)',
};

export interface AddressClass {
  /** The address as it is compared: IPv4-mapped IPv6 unwrapped to IPv4. */
  address: ipaddr.IPv4 | ipaddr.IPv6;
  /** `unicast` for a global unicast address, else the special range it is in. */
  range: string;
}

/** Classifies an IP address string; null when it is not one (a host name). */
export function classifyAddress(text: string): AddressClass | null {
  const bare = text.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return null;
  const address = ipaddr.process(bare);
  let range: string = address.range();
  if (address.kind() === 'ipv6' && range === 'unicast') {
    range = ipaddr.subnetMatch(address, EXTRA_IPV6_RANGES, 'unicast');
  }
  return { address, range };
}

export type OutboundDecision =
  | { allowed: true; address: string; because: 'global unicast' | 'allow-listed host' | 'allow-listed address' }
  | { allowed: false; address: string; rule: string; reason: string };

export interface OutboundPolicy {
  readonly allowList: AllowList;
  /** Whether a request to `host` may connect to `address` (an answer of its DNS lookup, or the host itself). */
  decide(host: string, address: string): OutboundDecision;
  /** As decide(), throwing OutboundRefusedError on a refusal. */
  assertAllowed(host: string, address: string): void;
}

function refusalTarget(host: string, address: string): string {
  const name = normaliseHost(host);
  return name === address ? address : `${name} (${address})`;
}

export function refusalError(
  host: string,
  decision: Extract<OutboundDecision, { allowed: false }>,
): OutboundRefusedError {
  return new OutboundRefusedError(refusalTarget(host, decision.address), decision.rule, decision.reason);
}

/**
 * The one outbound-request policy: only global unicast addresses, unless JOBDECK_OUTBOUND_ALLOW
 * names the host or the address range. It is applied to the address actually connected to, so
 * numeric spellings, DNS names and IPv4-mapped forms all end in the same check.
 */
export function createOutboundPolicy(allow: string | AllowList = EMPTY_ALLOW_LIST): OutboundPolicy {
  const allowList = typeof allow === 'string' ? parseAllowList(allow) : allow;
  const decide = (host: string, address: string): OutboundDecision => {
    if (allowListHasHost(allowList, host)) return { allowed: true, address, because: 'allow-listed host' };
    const classified = classifyAddress(address);
    if (!classified) return { allowed: false, address, rule: 'not-an-address', reason: 'not an IP address' };
    const shown = classified.address.toString();
    if (allowListHasAddress(allowList, classified.address))
      return { allowed: true, address: shown, because: 'allow-listed address' };
    if (classified.range === 'unicast') return { allowed: true, address: shown, because: 'global unicast' };
    const reason = `${RULES[classified.range] ?? `${classified.range} address (not global unicast)`} (allow it with JOBDECK_OUTBOUND_ALLOW)`;
    return { allowed: false, address: shown, rule: classified.range, reason };
  };
  return {
    allowList,
    decide,
    assertAllowed(host, address) {
      const decision = decide(host, address);
      if (!decision.allowed) throw refusalError(host, decision);
    },
  };
}
