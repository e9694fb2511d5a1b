import type { AdmitResult, EndedSession, LiveSession, SessionRegistry } from './registry.ts';

/** The embedded default: one process, so plain maps are already atomic. */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly live = new Map<string, LiveSession & { deadline: number; audioSeconds: number; lastHeartbeat: number }>();
  private readonly outbox = new Map<string, EndedSession>();

  async admit(session: LiveSession, limit: number, now: number, ttlMs: number): Promise<AdmitResult> {
    if (this.live.has(session.sessionId)) return 'admitted';
    let alive = 0;
    for (const s of this.live.values()) if (s.deadline > now) alive++;
    if (alive >= limit) return 'limit';
    this.live.set(session.sessionId, { ...session, deadline: now + ttlMs, audioSeconds: 0, lastHeartbeat: now });
    return 'admitted';
  }

  async heartbeat(gatewayId: string, progress: Map<string, number>, now: number, ttlMs: number): Promise<void> {
    for (const [id, audio] of progress) {
      const s = this.live.get(id);
      if (!s || s.gatewayId !== gatewayId) continue;
      s.deadline = now + ttlMs;
      s.audioSeconds = audio;
      s.lastHeartbeat = now;
    }
  }

  async end(sessionId: string, endedAt: number, reason: string, audioSeconds: number | undefined): Promise<EndedSession | null> {
    const s = this.live.get(sessionId);
    if (!s) return null;
    this.live.delete(sessionId);
    const { deadline: _d, lastHeartbeat: _h, ...rest } = s;
    const ended: EndedSession = { ...rest, endedAt, reason, audioSeconds: audioSeconds ?? s.audioSeconds };
    this.outbox.set(sessionId, ended);
    return ended;
  }

  async reap(now: number, max: number): Promise<EndedSession[]> {
    const out: EndedSession[] = [];
    for (const s of [...this.live.values()]) {
      if (out.length >= max) break;
      if (s.deadline > now) continue;
      const ended = await this.end(s.sessionId, s.lastHeartbeat, 'gateway_lost', s.audioSeconds);
      if (ended) out.push(ended);
    }
    return out;
  }

  async pending(max: number): Promise<EndedSession[]> {
    return [...this.outbox.values()].slice(0, max);
  }

  async ack(sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) this.outbox.delete(id);
  }

  async counts(now: number): Promise<{ total: number; byGateway: Record<string, number> }> {
    const byGateway: Record<string, number> = {};
    let total = 0;
    for (const s of this.live.values()) {
      if (s.deadline <= now) continue;
      total++;
      byGateway[s.gatewayId] = (byGateway[s.gatewayId] ?? 0) + 1;
    }
    return { total, byGateway };
  }

  async close(): Promise<void> {}
}
