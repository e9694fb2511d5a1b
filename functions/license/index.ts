import { Hono } from 'hono';
import { statusBody, type LicenceSource } from '../../runtime/license/source.ts';

/**
 * The licence proxy's HTTP surface (spec §7.4): GET /v1/status with exactly
 * {state, last_successful_checkin, trust_expiration}, and GET /health for liveness
 * (200 whenever the process serves; the licence state is /v1/status's business).
 */
export function createLicenceRoutes(licence: LicenceSource): Hono {
  const app = new Hono();
  app.get('/v1/status', (c) => c.json(statusBody(licence.current())));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  return app;
}
