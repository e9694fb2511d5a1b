import { describe, expect, it } from 'vitest';
import type { AsrPool } from '../../gpu-pool/client/api.ts';
import { speechModelTable } from '../streaming/speech-models.ts';
import { createHealthRoutes, modelReadiness } from './index.ts';

describe('health routes', () => {
  it('answers 200 on both paths while accepting, 503 while draining', async () => {
    const live = { accepting: true, size: 2 };
    const app = createHealthRoutes(live);
    for (const path of ['/v3/ws/health', '/v3/health']) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', active_sessions: 2 });
    }
    live.accepting = false;
    expect((await app.request('/v3/ws/health')).status).toBe(503);
  });

  it('answers 503 warming until a worker of the default model is warm, then 200', async () => {
    let warm = false;
    const asked: string[] = [];
    const pool = { serves: () => true, ready: async (label: string) => (asked.push(label), warm) } as unknown as AsrPool;
    const app = createHealthRoutes({ accepting: true, size: 0 }, modelReadiness(pool, speechModelTable()));
    for (const path of ['/v3/ws/health', '/v3/health']) {
      const response = await app.request(path);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'warming', active_sessions: 0 });
    }
    warm = true;
    expect((await app.request('/v3/ws/health')).status).toBe(200);
    // Warm once is warm: a worker failing later does not fail the gateway's (liveness) probe.
    warm = false;
    expect((await app.request('/v3/ws/health')).status).toBe(200);
    expect(new Set(asked)).toEqual(new Set(['en-default']));
  });
});
