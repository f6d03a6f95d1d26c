import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * What JOBDECK_OUTBOUND_ALLOW opens although the policy would refuse it. A host entry trusts the
 * name (whatever it resolves to); an address or CIDR entry trusts that range, whatever name led there.
 */
export interface AllowList {
  /** Exact host names, lower case, without a trailing dot. */
  hosts: ReadonlySet<string>;
  /** From `*.example.com`: `.example.com`, matched by sub-domains only. */
  suffixes: readonly string[];
  ranges: ReadonlyArray<readonly [Address, number]>;
  /** The entries as written, for messages and the worker's start line. */
  entries: readonly string[];
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), suffixes: [], ranges: [], entries: [] };

// RFC 1123 labels (underscores tolerated: some internal names use them); the last label must not be
// all digits, so that a mistyped address such as `127.1` is not taken for a host name.
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)*(?=[a-z0-9_-]*[a-z_-])${LABEL}$`);

export function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/**
 * The name as a URL's host will spell it (lower case, punycode), since that is what it is matched
 * against; null when it is no plain host name, or when URL parsing reads it as a numeric address
 * (`0x7f000001`, `2130706433`), which would never match a URL's host.
 */
function urlHostName(text: string): string | null {
  if (!/^[^\s/?#@:[\]*]+$/.test(text)) return null;
  let host: string;
  try {
    host = normaliseHost(new URL(`http://${text}/`).hostname);
  } catch {
    return null;
  }
  return isIP(host) || !HOST_NAME.test(host) ? null : host;
}

/** One address or CIDR, in the form addresses are compared in (IPv4-mapped IPv6 unwrapped). */
function parseRange(entry: string): readonly [Address, number] | null {
  const bare = entry.replace(/^\[|\]$/g, '');
  // Only dotted-quad IPv4: ipaddr.js would also read `10` or `0x0a.1` as addresses, which in an
  // allow-list are far more likely typos than intent.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return [ipaddr.IPv4.parse(bare), 32];
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(bare)) return ipaddr.IPv4.parseCIDR(bare);
  if (ipaddr.IPv6.isValid(bare) && !bare.includes('%')) {
    const address = ipaddr.process(bare);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  if (ipaddr.IPv6.isValidCIDR(bare)) {
    const [address, bits] = ipaddr.IPv6.parseCIDR(bare);
    if (address.isIPv4MappedAddress()) return null;
    return [address, bits];
  }
  return null;
}

/**
 * Parses `host, *.suffix, 10.1.2.3, 10.0.0.0/8, fd00::/8` (commas or spaces between entries).
 * Throws one error naming every entry it cannot read, so a typo stops the worker at start instead of
 * silently refusing (or opening) something.
 */
export function parseAllowList(spec: string, source = 'JOBDECK_OUTBOUND_ALLOW'): AllowList {
  const entries = spec
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Array<readonly [Address, number]> = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const range = parseRange(entry);
    if (range) {
      ranges.push(range);
      continue;
    }
    const wildcard = entry.startsWith('*.');
    const host = urlHostName(wildcard ? entry.slice(2) : entry);
    if (host && wildcard) suffixes.push(`.${host}`);
    else if (host) hosts.add(host);
    else problems.push(`"${entry}"`);
  }
  if (problems.length) {
    throw new Error(
      `${source}: ${problems.join(', ')} ${problems.length === 1 ? 'is' : 'are'} not a host name, *.suffix, ` +
        'dotted IPv4 or IPv6 address, or CIDR (examples: hooks.example.com, *.internal.example, 10.1.2.3, 10.0.0.0/8, fd00::/8)',
    );
  }
  return { hosts, suffixes, ranges, entries };
}

export function allowListHasHost(list: AllowList, host: string): boolean {
  const name = normaliseHost(host);
  return list.hosts.has(name) || list.suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
}

export function allowListHasAddress(list: AllowList, address: Address): boolean {
  return list.ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}
