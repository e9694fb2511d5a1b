/**
 * The gateway's WebSocket plumbing: @hono/node-ws, with Earshot's message size limit, without the
 * library's leak on failed handshakes, and with the ErrorEvent it needs on Node 20.
 *
 * The leak: for every upgrade the app accepts, the library keeps the request in a map until `ws`
 * reports the connection, and `ws` never does when it refuses the handshake (no or bad
 * Sec-WebSocket-Key, a version other than 8 or 13, a malformed Sec-WebSocket-Protocol) or when
 * the client hung up before the handshake completed. Each such request stayed in memory for
 * good: anyone could fill the heap without authenticating. Here every handshake that ends without
 * a connection hands the library a closed stand-in, which resolves and removes the entry; the
 * streaming route starts nothing on a socket that is not open.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createNodeWebSocket } from '@hono/node-ws';
import type { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { SERVER_PING_INTERVAL_SECONDS } from '../config/limits.ts';

// The library reports socket errors (a message over the size limit, a bad frame) as an ErrorEvent,
// which Node 20 does not have: it logged a ReferenceError and the route's onError never ran.
const globals = globalThis as { ErrorEvent?: unknown };
globals.ErrorEvent ??= class ErrorEvent extends Event {
  readonly error: unknown;
  readonly message: string;
  constructor(type: string, init: { error?: unknown; message?: string } = {}) {
    super(type);
    this.error = init.error;
    this.message = init.message ?? (init.error instanceof Error ? init.error.message : '');
  }
};

export interface WebSocketLimits {
  /** The largest WebSocket message accepted; a larger one closes the socket with 1009. */
  maxPayloadBytes: number;
  /** Server ping period (ms; default runtime/config/limits.ts SERVER_PING_INTERVAL_SECONDS); no pong by the next ping = gone. */
  pingIntervalMs?: number;
}

export interface WebSocketEndpoint {
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  /** Serves upgrades on a listener (plain or TLS). */
  attach(server: Server): void;
}

/** What the library sees in place of a WebSocket that never opened: closed, and inert. */
function closedStandIn(): WebSocket {
  const standIn = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(standIn, { readyState: 3 /* CLOSED */, protocol: '', send() {}, close() {}, terminate() {} });
  return standIn as unknown as WebSocket;
}

/** Resolves the library's waiter of every handshake `ws` does not complete. */
function releaseFailedHandshakes(wss: WebSocketServer): void {
  const handleUpgrade = wss.handleUpgrade.bind(wss);
  wss.handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket, request: IncomingMessage) => void) => {
    let connected = false;
    // On close rather than right after the call: `ws` may finish a handshake asynchronously.
    socket.once('close', () => {
      if (!connected) wss.emit('connection', closedStandIn(), request);
    });
    handleUpgrade(request, socket, head, (ws, upgraded) => {
      connected = true;
      done(ws, upgraded);
    });
  };
}

/**
 * Pings every connection each interval; one that has not answered the previous ping is destroyed
 * (its close event ends the session as a vanished client).
 */
function pingConnections(wss: WebSocketServer, intervalMs: number): void {
  const answered = new WeakSet<WebSocket>();
  wss.on('connection', (ws: WebSocket) => {
    answered.add(ws);
    ws.on('pong', () => answered.add(ws));
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      try {
        ws.ping();
      } catch {
        // closing: the next round terminates it
      }
    }
  }, intervalMs);
  timer.unref();
  wss.once('close', () => clearInterval(timer));
}

export function createWebSocketEndpoint(app: Hono, limits: WebSocketLimits): WebSocketEndpoint {
  const { wss, injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
  // The library builds its server with ws's defaults (100 MiB messages); `ws` reads this option
  // for each new connection.
  wss.options.maxPayload = limits.maxPayloadBytes;
  releaseFailedHandshakes(wss);
  pingConnections(wss, limits.pingIntervalMs ?? SERVER_PING_INTERVAL_SECONDS * 1000);
  return { upgradeWebSocket: upgradeWebSocket as unknown as UpgradeWebSocket<WebSocket>, attach: injectWebSocket };
}
