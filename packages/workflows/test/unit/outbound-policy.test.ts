// Decisions only: no address here is ever connected to (the network rule for tests), the resolver
// and the connector are stubs.
import { describe, expect, it } from 'vitest';
import { createOutboundClient, createOutboundPolicy, OutboundRefusedError, parseAllowList } from '../../src/outbound';
import { fakeNet, scriptedResolver } from './support/fake-net';
import { rejectionOf } from './support/rejection';

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:4700:4700::1111';

/** The client with scripted DNS and a stand-in network that records every connection. */
function offlineClient(allow: string, answers: Record<string, string[]> = {}) {
  const net = fakeNet();
  const client = createOutboundClient({
    policy: createOutboundPolicy(allow),
    resolver: scriptedResolver(answers),
    connector: net.connector,
  });
  return { client, connections: net.connections, received: net.received };
}

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, OutboundRefusedError);

describe('outbound policy: every spelling of this machine is refused before connecting', () => {
  const loopbackDns = { localhost: ['127.0.0.1', '::1'], 'localhost.': ['127.0.0.1'] };
  it.each([
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.0.0.2:8080/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://[64:ff9b::7f00:1]/', 'rfc6052'],
    ['http://[2002:7f00:1::]/', '6to4'],
    ['http://[::127.0.0.1]/', 'ipv4Compatible'],
    ['http://[::7f00:1]/', 'ipv4Compatible'],
  ])('%s → %s', async (url, rule) => {
    const { client, connections, received } = offlineClient('', loopbackDns);
    const error = await refusal(client.request({ url }));
    expect(error.rule).toBe(rule);
    expect(error.message).toMatch(/^outbound policy refused .+: .+ \(allow it with JOBDECK_OUTBOUND_ALLOW\)$/);
    expect(connections).toEqual([]);
    expect(received.bytes).toBe(0);
  });

  it('names the address and the rule, e.g. for 127.0.0.2', async () => {
    const { client } = offlineClient('');
    const error = await refusal(client.request({ url: 'http://127.0.0.2:4000/metrics' }));
    expect(error.message).toBe(
      'outbound policy refused 127.0.0.2: loopback address (allow it with JOBDECK_OUTBOUND_ALLOW)',
    );
  });

  it('refuses schemes other than http and https', async () => {
    const { client, connections } = offlineClient('');
    expect((await refusal(client.request({ url: 'file:///etc/passwd' }))).rule).toBe('protocol');
    expect((await refusal(client.request({ url: 'gopher://example.com/' }))).rule).toBe('protocol');
    expect(connections).toEqual([]);
  });
});

describe('outbound policy: address decisions', () => {
  const policy = createOutboundPolicy('');
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['fe80::1', 'linkLocal'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b:1::a9fe:a9fe', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['0.1.2.3', 'unspecified'],
  ])('%s is refused as %s', (address, rule) => {
    const decision = policy.decide(address, address);
    expect(decision).toMatchObject({ allowed: false, rule });
  });

  it.each([PUBLIC_V4, PUBLIC_V6, '8.8.8.8', `::ffff:${PUBLIC_V4}`])(
    'global unicast %s is allowed (decision only)',
    (address) => {
      expect(policy.decide('hooks.example.com', address)).toMatchObject({ allowed: true, because: 'global unicast' });
    },
  );

  it('connects a public host whose DNS answers include a refused address to the allowed one only', async () => {
    const { client, connections } = offlineClient('', { 'mixed.example.com': ['169.254.169.254', PUBLIC_V4] });
    const response = await client.request({ url: 'http://mixed.example.com/' });
    expect(response).toMatchObject({ status: 200, body: 'ok', address: PUBLIC_V4 });
    expect(connections).toEqual([PUBLIC_V4]);
  });

  it('refuses a host name that resolves only to refused addresses, naming the name and the address', async () => {
    const { client, connections, received } = offlineClient('', {
      'metadata.internal.example': ['169.254.169.254', 'fd00:ec2::254'],
    });
    const error = await refusal(client.request({ url: 'http://metadata.internal.example/latest/meta-data/' }));
    expect(error.message).toBe(
      'outbound policy refused metadata.internal.example (169.254.169.254): link-local address (cloud metadata services answer there) (allow it with JOBDECK_OUTBOUND_ALLOW)',
    );
    expect(connections).toEqual([]);
    expect(received.bytes).toBe(0);
  });
});

describe('JOBDECK_OUTBOUND_ALLOW', () => {
  it('opens an exact host name (any case, trailing dot) whatever it resolves to', () => {
    const policy = createOutboundPolicy('Hooks.Internal.Example');
    expect(policy.decide('hooks.internal.example', '10.1.2.3')).toMatchObject({
      allowed: true,
      because: 'allow-listed host',
    });
    expect(policy.decide('HOOKS.internal.example.', '127.0.0.1')).toMatchObject({ allowed: true });
    expect(policy.decide('other.internal.example', '10.1.2.3')).toMatchObject({ allowed: false, rule: 'private' });
  });

  it('opens sub-domains of a *.suffix, not the suffix itself', () => {
    const policy = createOutboundPolicy('*.svc.internal');
    expect(policy.decide('alerts.svc.internal', '10.0.0.7')).toMatchObject({ allowed: true });
    expect(policy.decide('a.b.svc.internal', '10.0.0.7')).toMatchObject({ allowed: true });
    expect(policy.decide('svc.internal', '10.0.0.7')).toMatchObject({ allowed: false });
    expect(policy.decide('evilsvc.internal', '10.0.0.7')).toMatchObject({ allowed: false });
  });

  it('opens a single address, including its IPv4-mapped spelling, and nothing next to it', () => {
    const policy = createOutboundPolicy('127.0.0.1');
    expect(policy.decide('127.0.0.1', '127.0.0.1')).toMatchObject({ allowed: true, because: 'allow-listed address' });
    expect(policy.decide('::ffff:7f00:1', '::ffff:7f00:1')).toMatchObject({ allowed: true });
    expect(policy.decide('localhost', '127.0.0.1')).toMatchObject({ allowed: true });
    expect(policy.decide('localhost', '::1')).toMatchObject({ allowed: false, rule: 'loopback' });
    expect(policy.decide('127.0.0.2', '127.0.0.2')).toMatchObject({ allowed: false, rule: 'loopback' });
    expect(policy.decide('0.0.0.0', '0.0.0.0')).toMatchObject({ allowed: false, rule: 'unspecified' });
  });

  it('opens IPv4 and IPv6 CIDRs', () => {
    const policy = createOutboundPolicy('10.20.0.0/16, fd00:ec2::/32 [::1]');
    expect(policy.decide('a', '10.20.255.1')).toMatchObject({ allowed: true });
    expect(policy.decide('a', '10.21.0.1')).toMatchObject({ allowed: false, rule: 'private' });
    expect(policy.decide('a', 'fd00:ec2::254')).toMatchObject({ allowed: true });
    expect(policy.decide('a', 'fd00:ec3::1')).toMatchObject({ allowed: false, rule: 'uniqueLocal' });
    expect(policy.decide('a', '::1')).toMatchObject({ allowed: true });
    expect(policy.decide('a', '127.0.0.1')).toMatchObject({ allowed: false, rule: 'loopback' });
  });

  it('parses entries separated by commas and spaces, and keeps them for messages', () => {
    const list = parseAllowList(' 127.0.0.1,hooks.example.com  *.internal.example ,10.0.0.0/8 ');
    expect(list.entries).toEqual(['127.0.0.1', 'hooks.example.com', '*.internal.example', '10.0.0.0/8']);
    expect([...list.hosts]).toEqual(['hooks.example.com']);
    expect(list.suffixes).toEqual(['.internal.example']);
    expect(list.ranges).toHaveLength(2);
    expect(parseAllowList('').entries).toEqual([]);
  });

  it.each([
    ['10.0.0.0/33'],
    ['127.1'],
    ['2130706433'],
    ['0x7f000001'],
    ['*'],
    ['*.'],
    ['host name'.replace(' ', '/')],
    ['exa*mple.com'],
    ['http://hooks.example.com'],
    ['-bad-.example.com'],
    ['fe80::1%eth0'],
    ['::ffff:10.0.0.0/104'],
  ])('refuses the malformed entry %s with a message naming it', (entry) => {
    expect(() => parseAllowList(`127.0.0.1,${entry}`)).toThrow(
      new RegExp(`^JOBDECK_OUTBOUND_ALLOW: "${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is not a host name`),
    );
    expect(() => createOutboundPolicy(entry)).toThrow(/JOBDECK_OUTBOUND_ALLOW/);
  });

  it('names every malformed entry at once', () => {
    expect(() => parseAllowList('10.0.0.0/40, ok.example.com, 1.2.3')).toThrow(
      /^JOBDECK_OUTBOUND_ALLOW: "10.0.0.0\/40", "1.2.3" are not/,
    );
  });
});
