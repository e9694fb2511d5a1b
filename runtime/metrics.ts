/**
 * Prometheus metrics of a gateway process (`GET /metrics` on the main port): live sessions, turns,
 * errors by close code, and latency histograms. The streaming function reports through the
 * StreamingMetrics interface, so it does not depend on prom-client itself.
 */
import { Hono } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamingMetrics } from '../functions/streaming/index.ts';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly streaming: StreamingMetrics;
  routes(): Hono;
}

/** Sub-second buckets where latency matters (word emission goal: p50 ≤ 0.4 s, p95 ≤ 0.7 s). */
const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 5];

export function createGatewayMetrics(options: { clusterSessions?: () => Promise<{ gateway: number; total: number }> } = {}): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'earshot_' });

  const active = new Gauge({ name: 'earshot_active_sessions', help: 'Live WebSocket sessions on this gateway', labelNames: ['model_version'], registers: [registry] });
  const sessions = new Counter({ name: 'earshot_sessions_total', help: 'Sessions ended, by model version and how they ended', labelNames: ['model_version', 'reason'], registers: [registry] });
  const turns = new Counter({ name: 'earshot_turns_total', help: 'Turn messages sent', labelNames: ['end_of_turn'], registers: [registry] });
  const errors = new Counter({ name: 'earshot_session_errors_total', help: 'Sessions ended with an Error message, by error code', labelNames: ['code'], registers: [registry] });
  const wordDelay = new Histogram({
    name: 'earshot_word_emission_delay_seconds',
    help: 'From the arrival of the audio frame completing a word to the first Turn carrying the word',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const asrOpen = new Histogram({ name: 'earshot_asr_open_seconds', help: 'Time for an ASR worker to accept a session', buckets: LATENCY_BUCKETS, registers: [registry] });
  const chunk = new Histogram({ name: 'earshot_audio_chunk_seconds', help: 'Duration of received audio frames', buckets: [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2], registers: [registry] });
  if (options.clusterSessions) {
    const clusterSessions = options.clusterSessions;
    new Gauge({
      name: 'earshot_cluster_sessions',
      help: 'Live sessions in the whole cluster (the autoscaling signal)',
      registers: [registry],
      async collect() {
        this.set((await clusterSessions().catch(() => ({ total: Number.NaN }))).total);
      },
    });
  }

  const streaming: StreamingMetrics = {
    sessionStarted: (modelVersion) => active.inc({ model_version: modelVersion }),
    sessionEnded: (modelVersion, reason) => {
      active.dec({ model_version: modelVersion });
      sessions.inc({ model_version: modelVersion, reason });
    },
    turn: (endOfTurn) => turns.inc({ end_of_turn: String(endOfTurn) }),
    error: (code) => errors.inc({ code: String(code) }),
    wordEmissionDelay: (seconds) => wordDelay.observe(seconds),
    asrOpen: (seconds) => asrOpen.observe(seconds),
    audioChunk: (seconds) => chunk.observe(seconds),
  };

  return {
    registry,
    streaming,
    routes() {
      const app = new Hono();
      app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
      return app;
    },
  };
}
