import { z } from 'zod';

/** One per ended session, however it ended. The tracker dedupes on session_id. */
export const usageRecordSchema = z.object({
  session_id: z.string().min(1),
  licence_id: z.string(),
  billing_subject: z.string(),
  model: z.string(),
  audio_seconds: z.number().nonnegative(),
  session_seconds: z.number().nonnegative(),
  started_at: z.string(),
  ended_at: z.string(),
  /** 'terminated', 'error:<code>', 'client_gone', 'gateway_lost' (reaped), ... */
  reason: z.string(),
});

export type UsageRecord = z.infer<typeof usageRecordSchema>;

export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
