// A stand-in for net.connect, so that decisions about private, metadata and public addresses are
// tested without a packet leaving the process (the network rule for tests). It behaves as net does
// where the policy depends on it: an IP literal is connected to without `lookup`, a name is
// resolved through the given `lookup` and the first answer is connected to, and bytes written
// before 'connect' wait for it.
import { isIP, type Socket } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { Duplex } from 'node:stream';
import type { Connector, Resolver } from '../../../src/outbound';

class FakeSocket extends Duplex {
  connecting = true;
  remoteAddress: string | undefined;
  private request = '';
  private answered = false;

  constructor(
    private readonly received: { bytes: number },
    private readonly answer: string,
  ) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.connecting) {
      this.once('connect', () => this._write(chunk, encoding, callback));
      return;
    }
    if (this.destroyed) {
      callback(new Error('socket destroyed before the bytes left'));
      return;
    }
    this.received.bytes += chunk.length;
    this.request += chunk.toString();
    if (!this.answered && this.request.includes('\r\n\r\n')) {
      this.answered = true;
      this.push(this.answer);
      this.push(null);
    }
    callback();
  }

  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

export interface FakeNet {
  connector: Connector;
  /** Every address a socket was connected to, in order. */
  connections: string[];
  /** Bytes of requests that reached a "server". */
  received: { bytes: number };
}

export function fakeNet(options: { body?: string; pretendRemoteAddress?: string } = {}): FakeNet {
  const connections: string[] = [];
  const received = { bytes: 0 };
  const body = options.body ?? 'ok';
  const answer = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const connector: Connector = ({ host, lookup }) => {
    const socket = new FakeSocket(received, answer);
    const connectTo = (address: string) => {
      connections.push(address);
      socket.remoteAddress = options.pretendRemoteAddress ?? address;
      socket.connecting = false;
      socket.emit('connect');
    };
    if (isIP(host)) {
      process.nextTick(connectTo, host);
    } else {
      lookup(host, { all: true }, (error, addresses) => {
        if (error) socket.destroy(error);
        else connectTo(typeof addresses === 'string' ? addresses : (addresses as LookupAddress[])[0]!.address);
      });
    }
    return socket as unknown as Socket;
  };
  return { connector, connections, received };
}

/** DNS answers by name; a function answer can change between calls (rebinding). */
export function scriptedResolver(answers: Record<string, string[] | (() => string[])>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const entry = answers[hostname];
    const addresses = typeof entry === 'function' ? entry() : (entry ?? []);
    return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(resolver, { calls });
}
