import type { BillingMode } from '../license/claims.ts';
import { roundSeconds, type UsageRecord } from '../usage/record.ts';

/** A live session as the registry keeps it (Redis hash or memory map). */
export interface LiveSession {
  sessionId: string;
  gatewayId: string;
  model: string;
  billingSubject: string;
  licenceId: string;
  billing: BillingMode;
  /** ms since the epoch */
  startedAt: number;
}

/** What end() and the reaper hand back, exactly once per session. */
export interface EndedSession extends LiveSession {
  endedAt: number;
  audioSeconds: number;
  reason: string;
}

export type AdmitResult = 'admitted' | 'limit';

/**
 * The cluster's live sessions. Every step that must not be half-done (admission against the
 * limit, end, reaping) is one atomic operation, and each ended session is parked in an outbox
 * until its usage record is safely queued, so a crash between "ended" and "queued" loses nothing.
 */
export interface SessionRegistry {
  admit(session: LiveSession, limit: number, now: number, ttlMs: number): Promise<AdmitResult>;
  /** Extends the gateway's sessions and stores their audio progress (billed if the gateway dies). */
  heartbeat(gatewayId: string, progress: Map<string, number>, now: number, ttlMs: number): Promise<void>;
  /** Removes the session; null if it had already ended or been reaped. */
  end(sessionId: string, endedAt: number, reason: string, audioSeconds: number | undefined): Promise<EndedSession | null>;
  /** Ends sessions whose heartbeat expired: billed up to their last heartbeat. */
  reap(now: number, max: number): Promise<EndedSession[]>;
  /** Ended sessions whose usage record is not queued yet. */
  pending(max: number): Promise<EndedSession[]>;
  /** The usage records of these sessions are queued (or not billable): forget them. */
  ack(sessionIds: string[]): Promise<void>;
  /** Live sessions in the cluster and per gateway (the autoscaling signal). */
  counts(now: number): Promise<{ total: number; byGateway: Record<string, number> }>;
  close(): Promise<void>;
}

export function toUsageRecord(s: EndedSession): UsageRecord {
  return {
    session_id: s.sessionId,
    licence_id: s.licenceId,
    billing_subject: s.billingSubject,
    model: s.model,
    audio_seconds: roundSeconds(s.audioSeconds),
    session_seconds: roundSeconds(Math.max(0, s.endedAt - s.startedAt) / 1000),
    started_at: new Date(s.startedAt).toISOString(),
    ended_at: new Date(s.endedAt).toISOString(),
    reason: s.reason,
  };
}
