import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { AdmitResult, EndedSession, LiveSession, SessionRegistry } from './registry.ts';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

interface RegistryCommands {
  earshotAdmit(live: string, session: string, gatewaySet: string, gateways: string, ...argv: (string | number)[]): Promise<number>;
  earshotHeartbeat(live: string, gateways: string, ...argv: (string | number)[]): Promise<number>;
  earshotEnd(live: string, session: string, outbox: string, ...argv: (string | number)[]): Promise<string | null>;
  earshotReap(live: string, outbox: string, gateways: string, ...argv: (string | number)[]): Promise<string[]>;
}

/** Redis keys, all under one prefix so tests (and tenants) can share a server. */
export function registryKeys(prefix: string) {
  return {
    live: `${prefix}sessions:live`,
    gateways: `${prefix}gateways`,
    outbox: `${prefix}usage:outbox`,
    session: (id: string) => `${prefix}session:${id}`,
    gatewaySessions: (gatewayId: string) => `${prefix}gateway:${gatewayId}:sessions`,
  };
}

/** Shape of a session hash parked in the outbox by end.lua / reap.lua (cjson of the hash). */
interface RawEnded {
  id: string;
  gw: string;
  model: string;
  subject: string;
  licence: string;
  billing: 'flat' | 'usage';
  startedAt: string;
  audio?: string;
  endedAt: string;
  reason: string;
}

function fromRaw(json: string): EndedSession {
  const r = JSON.parse(json) as RawEnded;
  return {
    sessionId: r.id,
    gatewayId: r.gw,
    model: r.model,
    billingSubject: r.subject,
    licenceId: r.licence,
    billing: r.billing,
    startedAt: Number(r.startedAt),
    endedAt: Number(r.endedAt),
    audioSeconds: Number(r.audio ?? 0),
    reason: r.reason,
  };
}

export class RedisSessionRegistry implements SessionRegistry {
  private readonly keys: ReturnType<typeof registryKeys>;
  private readonly redis: Redis & RegistryCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** Close the connection on close() (false when the caller shares it). */
    private readonly ownsConnection = true,
  ) {
    this.keys = registryKeys(prefix);
    redis.defineCommand('earshotAdmit', { numberOfKeys: 4, lua: lua('admit') });
    redis.defineCommand('earshotHeartbeat', { numberOfKeys: 2, lua: lua('heartbeat') });
    redis.defineCommand('earshotEnd', { numberOfKeys: 3, lua: lua('end') });
    redis.defineCommand('earshotReap', { numberOfKeys: 3, lua: lua('reap') });
    this.redis = redis as Redis & RegistryCommands;
  }

  async admit(s: LiveSession, limit: number, now: number, ttlMs: number): Promise<AdmitResult> {
    const fields = ['gw', s.gatewayId, 'model', s.model, 'subject', s.billingSubject, 'licence', s.licenceId, 'billing', s.billing, 'startedAt', s.startedAt, 'audio', 0, 'hb', now];
    const ok = await this.redis.earshotAdmit(this.keys.live, this.keys.session(s.sessionId), this.keys.gatewaySessions(s.gatewayId), this.keys.gateways, now, now + ttlMs, limit, s.sessionId, ...fields);
    return ok === 1 ? 'admitted' : 'limit';
  }

  async heartbeat(gatewayId: string, progress: Map<string, number>, now: number, ttlMs: number): Promise<void> {
    const pairs: (string | number)[] = [];
    for (const [id, audio] of progress) pairs.push(id, audio);
    await this.redis.earshotHeartbeat(this.keys.live, this.keys.gateways, now + ttlMs, now, this.prefix, gatewayId, ...pairs);
  }

  async end(sessionId: string, endedAt: number, reason: string, audioSeconds: number | undefined): Promise<EndedSession | null> {
    const json = await this.redis.earshotEnd(this.keys.live, this.keys.session(sessionId), this.keys.outbox, sessionId, endedAt, reason, audioSeconds ?? '', this.prefix);
    return json ? fromRaw(json) : null;
  }

  async reap(now: number, max: number): Promise<EndedSession[]> {
    const rows = await this.redis.earshotReap(this.keys.live, this.keys.outbox, this.keys.gateways, now, max, this.prefix);
    return rows.map(fromRaw);
  }

  async pending(max: number): Promise<EndedSession[]> {
    const out: EndedSession[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.outbox, cursor, 'COUNT', Math.min(max, 500));
      cursor = next;
      for (let i = 1; i < flat.length && out.length < max; i += 2) out.push(fromRaw(flat[i]!));
    } while (cursor !== '0' && out.length < max);
    return out;
  }

  async ack(sessionIds: string[]): Promise<void> {
    if (sessionIds.length) await this.redis.hdel(this.keys.outbox, ...sessionIds);
  }

  async counts(now: number): Promise<{ total: number; byGateway: Record<string, number> }> {
    const total = await this.redis.zcount(this.keys.live, `(${now}`, '+inf');
    const gateways = await this.redis.zrangebyscore(this.keys.gateways, `(${now}`, '+inf');
    const byGateway: Record<string, number> = {};
    if (gateways.length) {
      const pipeline = this.redis.pipeline();
      for (const g of gateways) pipeline.scard(this.keys.gatewaySessions(g));
      const results = (await pipeline.exec()) ?? [];
      gateways.forEach((g, i) => (byGateway[g] = Number(results[i]?.[1] ?? 0)));
    }
    return { total, byGateway };
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => undefined);
  }
}
