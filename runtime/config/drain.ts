/**
 * Drain after SIGTERM, on every role that holds sessions (gateway, ASR worker, embedded): one
 * grace period, DRAIN_GRACE_MS, with this default, read by runtime/config/schema.ts (gateway,
 * embedded) and runtime/roles/asr-worker.ts (worker). Every shipped container's stop period
 * (compose stop_grace_period, k8s terminationGracePeriodSeconds) is at least the grace plus
 * STOP_MARGIN_SECONDS; infra/deployment-files.test.ts holds them to it.
 *
 * 30 s: a gateway's sessions last up to 3 h, so no grace ends them all, and a long one only makes
 * every rollout slower; a worker's sessions that outlive it are moved to another worker by the
 * gateway (functions/streaming/asr-link.ts), so for workers any grace loses nothing.
 */
export const DRAIN_GRACE_MS = 30_000;

/**
 * What a stop period needs beyond the grace: ending the stragglers, closing listeners, Redis and
 * gRPC channels (a worker waits up to 2 s for its calls to flush), and the process exit. Killed
 * before that, a drained process still exits by SIGKILL (137) rather than 0.
 */
export const STOP_MARGIN_SECONDS = 10;

/**
 * Kubernetes only: how long a terminating gateway or worker pod waits (preStop sleep) before its
 * process gets SIGTERM. Endpoint removal and SIGTERM happen at the same time, so for a few
 * seconds Services, ingresses and gateways' DNS still send newcomers to a pod that already
 * refuses them (1013, UNAVAILABLE): they would reconnect, but need not. The pod's
 * terminationGracePeriodSeconds covers this as well as the grace and margin.
 */
export const PRESTOP_SECONDS = 5;
