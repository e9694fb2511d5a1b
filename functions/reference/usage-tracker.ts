import { Hono } from 'hono';
import { z } from 'zod';
import { usageRecordSchema, type UsageRecord } from '../../runtime/usage/record.ts';

/**
 * Reference usage tracker: registers reporters and stores usage records, counting each
 * session_id once however often it is delivered (retries, reporter restarts, reaper races).
 */
export interface ReferenceUsageTracker {
  app: Hono;
  records(): UsageRecord[];
  /** Deliveries that repeated a session already stored (proof that dedupe did its job). */
  readonly stats: { registrations: number; batches: number; duplicates: number };
}

const batchSchema = z.object({ records: z.array(usageRecordSchema).max(10_000) });

export function createReferenceUsageTracker(options: { apiKeys?: string[] } = {}): ReferenceUsageTracker {
  const store = new Map<string, UsageRecord>();
  const stats = { registrations: 0, batches: 0, duplicates: 0 };
  const app = new Hono();

  // Any non-empty key unless an allow-list is configured, like the seed's dashboard keys.
  app.use('/v1/*', async (c, next) => {
    const key = c.req.header('authorization')?.replace(/^Bearer\s+/i, '').trim();
    if (!key || (options.apiKeys?.length && !options.apiKeys.includes(key))) return c.json({ error: 'invalid usage tracking API key' }, 401);
    await next();
  });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/v1/register', async (c) => {
    stats.registrations++;
    return c.json({ ok: true, reporter_id: crypto.randomUUID() });
  });
  app.post('/v1/usage', async (c) => {
    const parsed = batchSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: `invalid batch: ${parsed.error.issues[0]?.message ?? 'bad body'}` }, 400);
    stats.batches++;
    let accepted = 0;
    let duplicates = 0;
    for (const record of parsed.data.records) {
      if (store.has(record.session_id)) duplicates++;
      else {
        store.set(record.session_id, record);
        accepted++;
      }
    }
    stats.duplicates += duplicates;
    return c.json({ accepted, duplicates });
  });
  app.get('/v1/usage', (c) => {
    const records = [...store.values()];
    const totalAudio = records.reduce((sum, r) => sum + r.audio_seconds, 0);
    return c.json({ count: records.length, total_audio_seconds: totalAudio, records });
  });
  return { app, records: () => [...store.values()], stats };
}
