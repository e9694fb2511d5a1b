/**
 * functions/health: the streaming API's liveness/readiness probe on the main port (spec §1.1):
 * `GET /v3/ws/health` (seed ≥ v0.5) and `GET /v3/health` (older probes). 200 while the gateway
 * accepts sessions, 503 once it drains, so a load balancer stops sending new clients.
 */
import { Hono } from 'hono';

export const HEALTH_PATHS = ['/v3/ws/health', '/v3/health'] as const;

export interface HealthSource {
  accepting: boolean;
  size: number;
}

export function createHealthRoutes(live: HealthSource): Hono {
  const app = new Hono();
  for (const path of HEALTH_PATHS) {
    app.get(path, (c) =>
      live.accepting ? c.json({ status: 'ok', active_sessions: live.size }) : c.json({ status: 'draining', active_sessions: live.size }, 503),
    );
  }
  return app;
}
