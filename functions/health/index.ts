/**
 * functions/health: the streaming API's readiness probe on the main port (spec §1.1, §11.6):
 * `GET /v3/ws/health` (seed ≥ v0.5) and `GET /v3/health` (older probes). 200 only while the gateway
 * accepts sessions and the model is warm (self-hosted v1.2), so a load balancer sends no client to
 * a gateway whose workers are still loading; 503 `warming` before, 503 `draining` after SIGTERM.
 */
import { Hono } from 'hono';
import type { AsrPool } from '../../gpu-pool/client/api.ts';
import { DEFAULT_SPEECH_MODEL, type SpeechModelTable } from '../streaming/speech-models.ts';

export const HEALTH_PATHS = ['/v3/ws/health', '/v3/health'] as const;

export interface HealthSource {
  accepting: boolean;
  size: number;
}

/** Whether the model is warm; without one the gateway counts as warm (nothing to wait for). */
export type Readiness = () => Promise<boolean> | boolean;

/**
 * Warm = a worker of the default model (what a client gets without speech_model) has answered
 * SERVING. Once warm, the gateway stays ready: the same path is the liveness probe (infra/k8s),
 * and workers failing later must not restart healthy gateways; their sessions get 3005 instead.
 */
export function modelReadiness(pool: AsrPool, speechModels: SpeechModelTable, pollMs = 1000): Readiness {
  const label = speechModels.get(DEFAULT_SPEECH_MODEL);
  let warm = !label || !pool.ready;
  const check = async () => (warm ||= await pool.ready!(label!));
  // Also watched without a probe asking, so a worker that was warm and then failed before the
  // first probe still counts as having been warm.
  const watch = () => {
    if (!warm) void check().then((now) => now || setTimeout(watch, pollMs).unref());
  };
  watch();
  return check;
}

export function createHealthRoutes(live: HealthSource, ready: Readiness = () => true): Hono {
  const app = new Hono();
  for (const path of HEALTH_PATHS) {
    app.get(path, async (c) => {
      if (!live.accepting) return c.json({ status: 'draining', active_sessions: live.size }, 503);
      if (!(await ready())) return c.json({ status: 'warming', active_sessions: live.size }, 503);
      return c.json({ status: 'ok', active_sessions: live.size });
    });
  }
  return app;
}
