// DNS rebinding: a name that answers an allowed address when it is checked and a refused one
// later. Resolver and connect are stubbed, so the refused addresses are never reached for real.
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { createOutboundClient, createOutboundPolicy, OutboundRefusedError, policyLookup } from '../../src/outbound';
import { fakeNet, scriptedResolver } from './support/fake-net';

const PUBLIC = '93.184.215.14';

describe('DNS rebinding', () => {
  it('connects to the address that was checked, even when the name answers a refused one right after', async () => {
    let calls = 0;
    // Allowed on the first answer, loopback on every later one: a client that resolved twice
    // (once to check, once to connect) would connect to 127.0.0.1.
    const resolver = scriptedResolver({ 'rebind.example.com': () => (++calls === 1 ? [PUBLIC] : ['127.0.0.1']) });
    const net = fakeNet();
    const client = createOutboundClient({ policy: createOutboundPolicy(''), resolver, connector: net.connector });

    const response = await client.request({ url: 'http://rebind.example.com/hook', method: 'POST', body: '{}' });
    expect(response).toMatchObject({ status: 200, address: PUBLIC });
    expect(resolver.calls).toEqual(['rebind.example.com']);
    expect(net.connections).toEqual([PUBLIC]);
  });

  it('refuses the next request once the name answers a refused address, without connecting', async () => {
    const answers = [[PUBLIC], ['169.254.169.254'], ['127.0.0.1', '::1']];
    const resolver = scriptedResolver({ 'rebind.example.com': () => answers.shift() ?? [] });
    const net = fakeNet();
    const client = createOutboundClient({ policy: createOutboundPolicy(''), resolver, connector: net.connector });

    await expect(client.request({ url: 'http://rebind.example.com/' })).resolves.toMatchObject({ status: 200 });
    await expect(client.request({ url: 'http://rebind.example.com/' })).rejects.toThrow(
      /^outbound policy refused rebind\.example\.com \(169\.254\.169\.254\): link-local address/,
    );
    await expect(client.request({ url: 'http://rebind.example.com/' })).rejects.toThrow(
      /^outbound policy refused rebind\.example\.com \(127\.0\.0\.1\): loopback address/,
    );
    expect(net.connections).toEqual([PUBLIC]);
    expect(resolver.calls).toHaveLength(3);
  });

  it('drops a connection that reached a refused address anyway, before a byte of the request is sent', async () => {
    // A connector that ignores the checked answer: the address the socket reports is checked again.
    const net = fakeNet({ pretendRemoteAddress: '127.0.0.1' });
    const client = createOutboundClient({
      policy: createOutboundPolicy(''),
      resolver: scriptedResolver({ 'hooks.example.com': [PUBLIC] }),
      connector: net.connector,
    });
    const error = await client
      .request({ url: 'http://hooks.example.com/', method: 'POST', body: 'secret payload' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as Error).message).toMatch(
      /^outbound policy refused hooks\.example\.com \(127\.0\.0\.1\): loopback address/,
    );
    expect(net.received.bytes).toBe(0);
  });
});

describe('the lookup handed to net.connect', () => {
  const lookup = policyLookup(
    createOutboundPolicy(''),
    scriptedResolver({ 'dual.example.com': ['fd00::1', PUBLIC, '2606:4700::6810:1'] }),
  );
  const call = (options: { all?: boolean; family?: number }) =>
    new Promise<{ error: Error | null; result: string | LookupAddress[]; family?: number }>((resolve) =>
      lookup('dual.example.com', options, (error, result, family) => resolve({ error, result, family })),
    );

  it('answers every allowed address when Node asks for all (happy eyeballs)', async () => {
    expect(await call({ all: true })).toEqual({
      error: null,
      result: [
        { address: PUBLIC, family: 4 },
        { address: '2606:4700::6810:1', family: 6 },
      ],
      family: undefined,
    });
  });

  it('answers one allowed address of the family asked for', async () => {
    expect(await call({ family: 6 })).toMatchObject({ error: null, result: '2606:4700::6810:1', family: 6 });
    expect(await call({})).toMatchObject({ error: null, result: PUBLIC, family: 4 });
  });
});
