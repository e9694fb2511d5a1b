import { describe, expect, it } from 'vitest';
import { createHealthRoutes } from './index.ts';

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
});
