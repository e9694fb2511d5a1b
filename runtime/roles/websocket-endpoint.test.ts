/**
 * Handshakes that `ws` refuses must leave nothing behind (they used to keep their request, and so
 * ~15 KB each, for good), and a message over the size limit must end only its own socket with 1009.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collectGarbage } from '../../functions/streaming/testing/heap.ts';
import { REFUSED_HANDSHAKES, rawUpgrade } from '../../functions/streaming/testing/raw-upgrade.ts';
import { createWebSocketEndpoint } from './websocket-endpoint.ts';

let server: Server;
let port: number;
const requests: Array<WeakRef<object>> = [];
let opened = 0;

beforeAll(async () => {
  const app = new Hono();
  const endpoint = createWebSocketEndpoint(app, { maxPayloadBytes: 64 * 1024 });
  app.get(
    '/',
    endpoint.upgradeWebSocket(() => ({
      onOpen(_event, ws) {
        if (ws.readyState === 1) opened += 1;
      },
      onMessage(event, ws) {
        ws.send(typeof event.data === 'string' ? event.data : `binary ${(event.data as ArrayBuffer).byteLength}`);
      },
    })),
  );
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  endpoint.attach(server);
  server.on('upgrade', (request) => requests.push(new WeakRef(request)));
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function echoClient(): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('error', reject);
  });
}

const reply = (client: WebSocket) => new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));

describe('WebSocket endpoint', () => {
  it('keeps nothing of refused handshakes while a healthy socket goes on working', async () => {
    const healthy = await echoClient();
    requests.length = 0;
    for (const [name, headers] of Object.entries(REFUSED_HANDSHAKES)) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => rawUpgrade(port, '/', headers)));
      expect(new Set(answers), name).toEqual(new Set(['HTTP/1.1 400 Bad Request']));
      healthy.send(name);
      expect(await reply(healthy)).toBe(name);
    }
    expect(requests).toHaveLength(400);
    await collectGarbage();
    expect(requests.filter((request) => request.deref() !== undefined)).toHaveLength(0);
    expect(opened).toBe(1); // the healthy socket only: no session starts on a refused handshake
    healthy.close();
  });

  it('closes a socket whose message is over the limit with 1009, and only that socket', async () => {
    const healthy = await echoClient();
    const greedy = await echoClient();
    const closed = new Promise<number>((resolve) => {
      greedy.once('close', (code) => resolve(code));
      setTimeout(() => resolve(-1), 5_000).unref();
    });
    greedy.send(new Uint8Array(64 * 1024 + 1));
    expect(await closed).toBe(1009);
    healthy.send(new Uint8Array(64 * 1024));
    expect(await reply(healthy)).toBe(`binary ${64 * 1024}`);
    healthy.close();
  });
});

describe('server pings', () => {
  it('destroys a connection that stops answering pings within two intervals; one that answers stays', async () => {
    const app = new Hono();
    const endpoint = createWebSocketEndpoint(app, { maxPayloadBytes: 64 * 1024, pingIntervalMs: 100 });
    const closedOnServer: number[] = [];
    app.get('/', endpoint.upgradeWebSocket(() => ({ onClose: (event) => void closedOnServer.push(event.code) })));
    const pinged = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    endpoint.attach(pinged);
    await new Promise<void>((resolve) => pinged.once('listening', () => resolve()));
    const url = `ws://127.0.0.1:${(pinged.address() as { port: number }).port}/`;
    const connect = (autoPong: boolean) =>
      new Promise<WebSocket>((resolve, reject) => {
        const client = new WebSocket(url, { autoPong });
        client.once('open', () => resolve(client));
        client.once('error', reject);
      });
    try {
      const [silent, healthy] = await Promise.all([connect(false), connect(true)]);
      let pings = 0;
      silent.on('ping', () => pings++);
      const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      const started = Date.now();
      expect(await closed).toBe(1006); // destroyed, no close frame
      expect(Date.now() - started).toBeLessThan(1000);
      expect(pings).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(healthy.readyState).toBe(WebSocket.OPEN);
      expect(closedOnServer).toHaveLength(1); // the route heard the close: its session ends
      healthy.close();
    } finally {
      pinged.closeAllConnections();
      await new Promise((resolve) => pinged.close(resolve));
    }
  });
});
