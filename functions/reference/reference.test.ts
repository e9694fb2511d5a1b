import { describe, expect, it } from 'vitest';
import { checkIn } from '../../runtime/license/checkin.ts';
import { createLogger } from '../../runtime/logger.ts';
import { startReferenceUpstream } from '../../runtime/roles/reference-upstream.ts';
import { TrackerClient } from '../../runtime/usage/tracker-client.ts';
import type { UsageRecord } from '../../runtime/usage/record.ts';

const logger = createLogger('reference-test', {});
logger.level = 'silent';

const record = (id: string, audio: number): UsageRecord => ({
  session_id: id,
  licence_id: 'lic-r',
  billing_subject: 'Acme',
  model: 'universal-streaming-english',
  audio_seconds: audio,
  session_seconds: audio + 1,
  started_at: new Date().toISOString(),
  ended_at: new Date().toISOString(),
  reason: 'terminated',
});

describe('reference upstream role', () => {
  it('licence server answers check-ins and 403s revoked licences; tracker authenticates and dedupes', async () => {
    const upstream = await startReferenceUpstream({ licencePort: 0, trackerPort: 0, trackerApiKeys: ['k1'], hostname: '127.0.0.1', logger });
    try {
      const licenceUrl = `http://127.0.0.1:${upstream.licencePort}`;
      expect(await checkIn(licenceUrl, { licence: 'x.y.z', licence_id: 'lic-r', active_sessions: 3 }, 2000)).toEqual({ ok: true });
      expect(upstream.licenceServer.checkins.at(-1)).toMatchObject({ licenceId: 'lic-r', activeSessions: 3 });
      upstream.licenceServer.revoke('lic-r');
      expect(await checkIn(licenceUrl, { licence: 'x.y.z', licence_id: 'lic-r' }, 2000)).toMatchObject({ ok: false, revoked: true });

      const trackerUrl = `http://127.0.0.1:${upstream.trackerPort}`;
      await expect(new TrackerClient(trackerUrl, 'wrong').register({ id: 'r' })).rejects.toThrow(/401/);
      const client = new TrackerClient(trackerUrl, 'k1');
      await client.register({ id: 'r' });
      expect(await client.send([record('a', 1.5), record('b', 2)])).toEqual({ accepted: 2, duplicates: 0 });
      expect(await client.send([record('b', 2), record('c', 0.5)])).toEqual({ accepted: 1, duplicates: 1 });
      const res = await fetch(`${trackerUrl}/v1/usage`, { headers: { authorization: 'k1' } });
      expect(await res.json()).toMatchObject({ count: 3, total_audio_seconds: 4 });
      const bad = await fetch(`${trackerUrl}/v1/usage`, { method: 'POST', headers: { authorization: 'k1', 'content-type': 'application/json' }, body: '{"records":[{"session_id":1}]}' });
      expect(bad.status).toBe(400);
    } finally {
      await upstream.stop();
    }
  });
});
