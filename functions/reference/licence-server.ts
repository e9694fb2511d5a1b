import { Hono } from 'hono';
import { z } from 'zod';

/**
 * Reference licence server: accepts check-ins, answers 403 for revoked licences. Enough for a
 * deployment without the vendor's service and for the tests; the vendor runs the real one.
 */
export interface ReferenceLicenceServer {
  app: Hono;
  revoke(licenceId: string): void;
  /** Check-ins seen, newest last. */
  readonly checkins: { licenceId: string; activeSessions: number | undefined; at: Date }[];
}

const checkinSchema = z.object({ licence: z.string().min(1), licence_id: z.string().min(1), active_sessions: z.number().optional() });

export function createReferenceLicenceServer(options: { revoked?: Iterable<string> } = {}): ReferenceLicenceServer {
  const revoked = new Set(options.revoked ?? []);
  const checkins: ReferenceLicenceServer['checkins'] = [];
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/v1/checkin', async (c) => {
    const parsed = checkinSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'body must be {licence, licence_id}' }, 400);
    const { licence_id: licenceId, active_sessions: activeSessions } = parsed.data;
    if (revoked.has(licenceId)) return c.json({ error: `licence ${licenceId} revoked` }, 403);
    checkins.push({ licenceId, activeSessions, at: new Date() });
    if (checkins.length > 1000) checkins.shift();
    return c.json({ ok: true, licence_id: licenceId, checked_in_at: new Date().toISOString() });
  });
  return { app, revoke: (id) => revoked.add(id), checkins };
}
