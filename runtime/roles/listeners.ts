/**
 * The gateway's network listeners: plain HTTP/WebSocket on PORT (8080) and, when TLS_CERT_FILE
 * and TLS_KEY_FILE are set, HTTPS/wss on TLS_PORT for clients that insist on wss:// (the Node
 * SDK refuses ws://). Both serve the same app and the same WebSocket endpoint. listen() serves
 * a plain HTTP app (the licence proxy's status, the reference upstreams).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

export interface Listener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function bound(server: ServerType): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

function closer(server: ServerType): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      (server as Server).closeAllConnections?.();
      server.close(() => resolve());
    });
}

export async function listenPlain(app: Hono, host: string, port: number, onServer: (server: Server) => void): Promise<Listener> {
  const server = serve({ fetch: app.fetch, port, hostname: host });
  onServer(server as Server);
  const actual = await bound(server);
  return { url: `ws://${displayHost(host)}:${actual}`, port: actual, close: closer(server) };
}

export async function listenTls(
  app: Hono,
  host: string,
  tls: { certFile: string; keyFile: string; port: number },
  onServer: (server: Server) => void,
): Promise<Listener> {
  const server = serve({
    fetch: app.fetch,
    port: tls.port,
    hostname: host,
    createServer: createHttpsServer,
    serverOptions: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
  });
  // The upgrade event of an https.Server is the same as http.Server's.
  onServer(server as unknown as Server);
  const actual = await bound(server);
  return { url: `wss://${displayHost(host)}:${actual}`, port: actual, close: closer(server) };
}

/** Serves a plain HTTP app on a port (0 = any free port) and resolves once it is listening. */
export async function listen(app: Hono, port: number, hostname = '0.0.0.0'): Promise<Listener> {
  const server = serve({ fetch: app.fetch, port, hostname });
  const actual = await bound(server);
  return { url: `http://${displayHost(hostname)}:${actual}`, port: actual, close: closer(server) };
}
