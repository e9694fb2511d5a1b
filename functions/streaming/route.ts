/**
 * The WebSocket endpoint: upgrades on `/` (the seed's example), `/v3/ws` (SDKs) and `/v3/ws/`.
 * Query parameters are parsed here, before the upgrade; everything else — auth included, so the
 * client gets a proper Error frame rather than a failed handshake — happens in the session.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { CLIENT_AUDIO_BURST_SECONDS } from '../../runtime/config/limits.ts';
import { frameDurationMs } from './audio-frames.ts';
import { ClientBudgets, type ClientAudioBudget } from './client-budget.ts';
import { refuseWhileDraining } from './drain.ts';
import type { LiveSessions } from './live-sessions.ts';
import { parseStreamingParams } from './query-params.ts';
import { StreamingSession, type SessionDeps } from './session.ts';

export const STREAMING_PATHS = ['/', '/v3/ws', '/v3/ws/'] as const;

/** WebSocket readyState OPEN (the standard's value; `ws` is only a type here). */
const SOCKET_OPEN = 1;

export interface StreamingRouteDeps extends SessionDeps {
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  live: LiveSessions;
}

/** The client's address as this process sees it (a proxy's, behind one). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function createStreamingRoutes(deps: StreamingRouteDeps): Hono {
  const app = new Hono();
  // Audio ahead of real time per client address across its sessions (runtime/config/limits.ts).
  // 0 switches it off (a same-host TLS proxy makes every client one address; eval tools at --speed 4).
  const burstMs = deps.config.clientAudioBurstMs ?? CLIENT_AUDIO_BURST_SECONDS * 1000;
  const budgets = burstMs > 0 ? new ClientBudgets(burstMs) : undefined;

  // Not a WebSocket upgrade: answer in plain HTTP. (A draining gateway still upgrades, to refuse with a reason: drain.ts.)
  const gate: MiddlewareHandler = async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: 'This endpoint speaks the Universal-Streaming v3 WebSocket protocol; connect with a WebSocket client.' }, 426);
    }
    await next();
  };

  const upgrade = deps.upgradeWebSocket((c) => {
    const url = new URL(c.req.url);
    const params = parseStreamingParams(url.searchParams);
    const authorization = c.req.header('authorization');
    const client = clientAddress(c);
    let session: StreamingSession | undefined;
    let budget: ClientAudioBudget | undefined;
    return {
      onOpen(_event, ws) {
        // A handshake that failed or a client that hung up first (runtime/roles/websocket-endpoint.ts):
        // nothing to serve.
        if (ws.readyState !== SOCKET_OPEN) return;
        if (!deps.live.accepting) return refuseWhileDraining(ws);
        budget = budgets?.open(client);
        session = new StreamingSession(
          {
            send: (text) => ws.send(text),
            close: (code, reason) => ws.close(code, reason),
            bufferedAmount: () => ws.raw?.bufferedAmount ?? 0,
          },
          {
            params,
            authorization,
            onEnded: () => {
              deps.live.remove(session!);
              budget?.release();
            },
          },
          deps,
        );
        deps.live.add(session);
        void session.start();
      },
      onMessage(event) {
        const data = event.data;
        if (typeof data === 'string') return session?.receive(data);
        const audio = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
        if (!audio || !session) return;
        if (params.ok && session.isOpen) {
          try {
            budget?.add(frameDurationMs(audio.byteLength, params.params.sampleRate, params.params.encoding));
          } catch (error) {
            return session.fail(error);
          }
        }
        session.receive(audio);
      },
      onClose() {
        session?.socketClosed();
      },
      onError() {
        session?.socketClosed();
      },
    };
  });

  for (const path of STREAMING_PATHS) app.get(path, gate, upgrade);
  return app;
}
