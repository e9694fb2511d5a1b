/**
 * What a draining gateway (after SIGTERM, runtime/roles/gateway.ts) says to clients; the timing is
 * in live-sessions.ts, the grace in runtime/config/drain.ts.
 *
 * - A session that arrives while draining is upgraded and then refused with Error + close **1013**
 *   (Try Again Later). Refusing after the upgrade, not with an HTTP 503, is what lets clients see a
 *   reason: the Python SDK reports a non-101 answer only as "handshake rejected (HTTP 503)"; the
 *   Node SDK retries a close before Begin unless the code is one of its non-retryable ones
 *   (4000-4003, 4101, 1000), and 1013 is not, so it connects again and, behind a load balancer
 *   that has seen readiness turn 503, reaches another gateway. Both SDKs' code tables know 1013.
 * - A live session is warned once (Warning 3103) and may finish by itself within the grace; one
 *   still open when the grace is over ends with Error + close 3005 and the reason below.
 */
import { CloseCode, closeReason, ProtocolError } from './protocol-errors.ts';
import type { ErrorMessage } from './server-messages.ts';

export const DRAIN_REFUSAL = new ProtocolError(CloseCode.tryAgainLater, 'Server shutting down: connect again to reach another server');

export const drainCutOff = () => new ProtocolError(CloseCode.serverError, 'Session Cancelled: Server shutting down');

export const drainWarningText = (graceMs: number) => `Server shutting down: this session will be ended in ${Math.round(graceMs / 1000)} s`;

/** Refuses a newcomer before any session exists for it: no auth, no admission, nothing billed. */
export function refuseWhileDraining(socket: { send(text: string): void; close(code: number, reason: string): void }): void {
  const message: ErrorMessage = { type: 'Error', error_code: DRAIN_REFUSAL.code, error: DRAIN_REFUSAL.message };
  socket.send(JSON.stringify(message));
  socket.close(DRAIN_REFUSAL.code, closeReason(DRAIN_REFUSAL.message));
}
