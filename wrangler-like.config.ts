/**
 * Earshot's deployment manifest, in the spirit of a wrangler.toml: which functions exist, the
 * routes they serve, the roles (processes) that serve them, and the bindings they are given.
 * runtime/roles/gateway.ts mounts every function declared for its role from this file, and calls
 * the hooks a function declares here (drain on stop, licence failure). The runtime imports nothing
 * else of functions/ but their index.ts entry points (gpu-pool/dependencies.test.ts).
 */
import { createHealthRoutes, HEALTH_PATHS, modelReadiness } from './functions/health/index.ts';
import { createLicenceRoutes } from './functions/license/index.ts';
import { createPlaygroundRoutes, PLAYGROUND_PATHS } from './functions/playground/index.ts';
import { createStreamingRoutes, STREAMING_PATHS } from './functions/streaming/index.ts';
import { createTokenRoute } from './functions/token/index.ts';
import { defineConfig } from './runtime/bindings.ts';

export default defineConfig({
  name: 'earshot',
  main: 'runtime/main.ts',
  bindings: {
    redis: {
      env: ['REDIS_URL', 'EARSHOT_REDIS_PREFIX'],
      description: 'Shared session registry, temporary tokens and licence view; unset = in-memory (embedded default)',
    },
    queues: {
      env: ['USAGE_QUEUE_NAME'],
      names: { usage: 'earshot-usage' },
      description: 'BullMQ queue (on the redis binding) carrying one usage record per ended session to the usage reporter',
    },
    asrPool: {
      env: ['ASR_ROUTES', 'ASR_ENDPOINT', 'AAI_ASR_ENDPOINT', 'ASR_ACCEPT_TIMEOUT_MS', 'ASR_SECURE_CHANNEL'],
      description: 'gRPC ASR workers by X-Model-Version label; embedded = one in-process worker over loopback gRPC',
    },
    config: {
      env: ['PORT', 'AAI_WSS_PORT', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_PORT', 'SPEECH_MODEL_ROUTES', 'AUDIO_RATE_BURST_SECONDS', 'DRAIN_GRACE_MS'],
      description: 'runtime/config (zod-validated environment)',
    },
  },
  functions: [
    {
      name: 'streaming',
      routes: STREAMING_PATHS,
      roles: ['embedded', 'gateway'],
      bindings: ['asrPool', 'sessions', 'config', 'live', 'upgradeWebSocket', 'metrics', 'logger', 'punctuator'],
      mount: (b) =>
        createStreamingRoutes({
          pool: b.asrPool,
          lifecycle: b.sessions,
          config: b.config.streaming,
          logger: b.logger,
          metrics: b.metrics.streaming,
          punctuator: b.punctuator,
          live: b.live,
          upgradeWebSocket: b.upgradeWebSocket,
        }),
      // Warning 3103 to live sessions, 1013 for newcomers, Error 3005 for whoever outlasts the grace.
      drain: (b, graceMs) => b.live.drain(graceMs),
      onLicenceFailed: (b, failure) => b.live.licenceFailed(failure),
    },
    {
      name: 'health',
      routes: HEALTH_PATHS,
      roles: ['embedded', 'gateway'],
      bindings: ['live', 'asrPool', 'config'],
      // Readiness (self-hosted v1.2): 200 only once a worker of the default model is warm.
      mount: (b) => createHealthRoutes(b.live, modelReadiness(b.asrPool, b.config.streaming.speechModels)),
    },
    {
      name: 'token',
      routes: ['/v3/token'],
      roles: ['embedded', 'gateway'],
      bindings: ['sessions', 'config'],
      mount: (b) => createTokenRoute({ tokens: b.sessions.tokens, apiKeys: b.config.sessions.apiKeys, maxSessionSeconds: b.config.sessions.maxSessionSeconds }),
    },
    {
      // The licence proxy's status, also on the main port (issue 5: "in the all-in-one process").
      name: 'license',
      routes: ['/v1/status', '/health'],
      roles: ['embedded', 'gateway'],
      bindings: ['sessions'],
      mount: (b) => createLicenceRoutes(b.sessions.licence),
    },
    {
      // A try-it page for people, not clients: on by default in embedded only (PLAYGROUND).
      name: 'playground',
      routes: PLAYGROUND_PATHS,
      roles: ['embedded', 'gateway'],
      bindings: ['config'],
      enabled: (config) => config.playground,
      mount: () => createPlaygroundRoutes(),
    },
    {
      name: 'metrics',
      routes: ['/metrics'],
      roles: ['embedded', 'gateway'],
      bindings: ['metrics'],
      mount: (b) => b.metrics.routes(),
    },
  ],
});
