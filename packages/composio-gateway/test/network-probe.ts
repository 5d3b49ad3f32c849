import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Records every outgoing connection this process starts, below any library: `fetch` (undici's
 * `undici:request:create`), `node:http`/`https` (`http.client.request.start`) and raw TCP
 * (`net.client.socket`, with the DNS name looked up and the address dialled). Works whatever
 * fetch or dispatcher the SDK captured at construction.
 */
export function startNetworkProbe() {
  const targets: string[] = [];
  const onFetch = (message: unknown) => {
    const { request } = message as { request: { origin: string | URL; path: string } };
    targets.push(`fetch ${String(request.origin)}${request.path}`);
  };
  const onHttp = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    targets.push(`http ${request.protocol}//${request.host}${request.path}`);
  };
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    socket.once('lookup', (_error: unknown, _address: unknown, _family: unknown, host: string) => {
      targets.push(`dns ${host}`);
    });
    socket.once('connectionAttempt', (ip: string, port: number) => {
      targets.push(`tcp ${ip}:${port}`);
    });
  };
  diagnosticsChannel.subscribe('undici:request:create', onFetch);
  diagnosticsChannel.subscribe('http.client.request.start', onHttp);
  diagnosticsChannel.subscribe('net.client.socket', onSocket);
  return {
    targets,
    stop() {
      diagnosticsChannel.unsubscribe('undici:request:create', onFetch);
      diagnosticsChannel.unsubscribe('http.client.request.start', onHttp);
      diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
    },
  };
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|::ffff:127(?:\.\d{1,3}){3})$/i;

/** The host a recorded target points at. */
export function hostOf(target: string): string {
  const [kind, rest = ''] = target.split(' ', 2);
  if (kind === 'dns') return rest;
  if (kind === 'tcp') return rest.replace(/:\d+$/, '');
  return new URL(rest).hostname;
}

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOST.test(host) || host.endsWith('.localhost');
}
