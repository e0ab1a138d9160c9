// Test safety net: every outbound socket connect in the process is counted, and any target that is
// not loopback is refused before a packet leaves — so even a broken guard cannot cause real traffic.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export interface SocketWatch {
  /** Outbound connect attempts (plain and TLS) since the watch started. */
  created(): number;
  /** Targets of those attempts, as passed to Socket#connect. */
  readonly connectedTo: string[];
  /** Non-loopback targets the safety net refused (must stay empty). */
  readonly refused: string[];
  stop(): void;
}

function isLoopback(host: string): boolean {
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.process(host);
  return addr.range() === 'loopback';
}

function targetOf(args: unknown[]): string {
  const first = args[0];
  // net.connect hands Socket#connect an already-normalised [options, callback] array.
  const options: unknown = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'object' && options !== null) {
    const { host, path } = options as { host?: unknown; path?: unknown };
    if (typeof path === 'string') return `unix:${path}`;
    return typeof host === 'string' ? host : 'localhost';
  }
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

export function watchSockets(): SocketWatch {
  const connectedTo: string[] = [];
  const refused: string[] = [];
  const original = net.Socket.prototype.connect;
  const patched = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = targetOf(args);
    if (!isLoopback(target)) {
      refused.push(target);
      process.nextTick(() =>
        this.destroy(new Error(`test safety net: refused connect to ${target}`)),
      );
      return this;
    }
    connectedTo.push(target);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = patched as typeof original;
  return {
    created: () => connectedTo.length + refused.length,
    connectedTo,
    refused,
    stop: () => {
      net.Socket.prototype.connect = original;
    },
  };
}
