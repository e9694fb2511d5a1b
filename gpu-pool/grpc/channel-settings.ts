/**
 * Every HTTP/2 and gRPC setting of the gateway↔worker hop, in one place: they only keep calls alive
 * together. A session is one Recognize call and may last hours (MAX_SESSION_DURATION_SECONDS); one
 * connection carries every session a gateway sends to a worker, so anything that ends a connection
 * ends all of them at once. The rules that follow from that:
 *
 * 1. A worker never sends GOAWAY while it has calls, except when it drains. A graceful GOAWAY
 *    leaves the gateway's HTTP/2 session closing; grpc-js's next keepalive ping on it is refused by
 *    Node ("Ping returned false") and grpc-js then fails every call still on it with UNAVAILABLE
 *    (grpc-node issue 3068). A `grpc.max_connection_age_ms` on the worker did exactly that to calls
 *    older than 5 minutes, so the worker sets no connection age.
 * 2. The gateway finds workers that were scaled up by opening a fresh channel per address every
 *    `channelRefreshMs` (a fresh DNS resolution, and its own connections: a local subchannel pool),
 *    which new sessions use; the old channel is closed when its last call has ended
 *    (client/channel-generations.ts). That is the job connection age did, without a GOAWAY.
 * 3. The gateway ends a call without RST_STREAM: the worker's HTTP/2 library (nghttp2, in Node)
 *    counts the stream resets it receives and, past a burst of 1000 at over about 33 a second
 *    (the HTTP/2 rapid-reset guard), ends the whole connection with GOAWAY INTERNAL_ERROR, so
 *    clients opening and dropping sessions fast killed their neighbours. The gateway sends
 *    `cancel` and half-closes; the worker ends the call with CANCELLED. A reset is only the
 *    fallback for a worker that has not answered within `cancelGraceMs` (client/end-call.ts),
 *    too rare to reach the guard.
 * 4. Pings both ways, and nothing between them refuses one: the grpc-js server has no ping-strike
 *    rule (no minimum interval, no GOAWAY "too_many_pings"), and nginx answers pings at this
 *    rate. Gateway pings (also without calls, so an idle channel's worker is known dead before a
 *    session is sent to it) find a worker that vanished without a TCP reset; worker pings find
 *    such a gateway, so its streams and admission slots are freed instead of leaking. A proxy
 *    that does police pings must allow one every `keepaliveTimeMs`, also without calls.
 * 5. A router between them must not end connections either: infra/nginx_streaming_asr.conf lifts
 *    nginx's per-connection request and time limits (1000 streams, 1 h by default).
 */
import type * as grpc from '@grpc/grpc-js';

export interface ChannelTimings {
  /** Gateway → worker ping interval, and how long the answer may take before the connection is dead. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** Worker → gateway ping interval and timeout. */
  workerKeepaliveTimeMs: number;
  workerKeepaliveTimeoutMs: number;
  /** How long a gateway channel takes new sessions before a fresh one (fresh DNS) replaces it. */
  channelRefreshMs: number;
  /** How long a cancelled call waits for the worker's CANCELLED status before it is reset. */
  cancelGraceMs: number;
}

export const CHANNEL_TIMINGS: Readonly<ChannelTimings> = Object.freeze({
  keepaliveTimeMs: 20_000,
  keepaliveTimeoutMs: 10_000,
  workerKeepaliveTimeMs: 30_000,
  workerKeepaliveTimeoutMs: 10_000,
  channelRefreshMs: 5 * 60_000,
  cancelGraceMs: 5_000,
});

/** Options of each gateway channel to one worker address (or router). */
export function clientChannelOptions(timings: ChannelTimings = CHANNEL_TIMINGS): grpc.ChannelOptions {
  return {
    'grpc.keepalive_time_ms': timings.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': timings.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // Each channel generation its own connections: with the shared pool a fresh channel would
    // reuse the old connection and never leave a worker that went away from DNS.
    'grpc.use_local_subchannel_pool': 1,
    // A restarted worker takes sessions again within seconds instead of minutes.
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5_000,
    // A DNS name that resolves to several workers (headless Service) spreads sessions over all of
    // them instead of pinning every session to the first address (grpc's pick_first default).
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  };
}

/** Options of the worker's server. No `grpc.max_connection_age_ms`: see rule 1 above. */
export function serverChannelOptions(timings: ChannelTimings = CHANNEL_TIMINGS): grpc.ServerOptions {
  return {
    'grpc.keepalive_time_ms': timings.workerKeepaliveTimeMs,
    'grpc.keepalive_timeout_ms': timings.workerKeepaliveTimeoutMs,
  };
}
