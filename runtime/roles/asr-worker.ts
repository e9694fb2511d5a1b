/**
 * The asr-worker role: one engine (one model) behind the gRPC StreamingRecognizer server.
 * Configured from the environment like the seed's ASR containers (SERVER_PORT, MAX_OPEN_STREAMS,
 * LOGGING_LEVEL); logs `Ready to serve!` once the model is loaded and health says SERVING.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { AsrEngine, EngineOptions } from '../../gpu-pool/engine/api.ts';
import { startAsrWorkerServer, type AsrWorkerServer } from '../../gpu-pool/grpc/worker-server.ts';
import { createWorkerRegistry, startWorkerMetrics, type WorkerMetrics } from '../../gpu-pool/grpc/worker-metrics.ts';
import { asrWorkerSettingsFromEnv, type AsrWorkerSettings } from '../config/asr-worker.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { RoleHandle } from './role.ts';

export interface AsrWorkerOptions extends AsrWorkerSettings {
  /** An engine built by the caller (embedded mode, tests); otherwise createEngine(modelDir). */
  engine?: AsrEngine;
  logger?: Logger;
}

export interface AsrWorkerHandle extends RoleHandle {
  readonly port: number;
  readonly server: AsrWorkerServer;
  readonly engine: AsrEngine;
}

/** The worker's settings from the environment alone (standalone entry, embedded, tests); throws with every problem. */
export function asrWorkerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AsrWorkerOptions {
  const { settings, problems } = asrWorkerSettingsFromEnv(env);
  if (problems.length > 0) throw new Error(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return settings;
}

async function loadEngine(options: AsrWorkerOptions): Promise<AsrEngine> {
  // Resolved at run time so the gRPC layer does not depend on the engine's module graph.
  const enginePath = '../../gpu-pool/engine/index.ts';
  const { createEngine } = (await import(enginePath)) as {
    createEngine: (options: EngineOptions) => AsrEngine | Promise<AsrEngine>;
  };
  return createEngine({ modelDir: options.modelDir, workers: options.workers, threadsPerWorker: options.threads, decoding: options.decoding ?? 'auto', preferInt8: options.preferInt8 ?? true, provider: options.provider ?? 'auto', logger: createLogger('asr-engine') });
}

export async function startAsrWorker(options: AsrWorkerOptions = asrWorkerOptionsFromEnv()): Promise<AsrWorkerHandle> {
  const logger = options.logger ?? createLogger('asr-worker', { modelVersion: options.modelVersions.join(',') });
  const ownsEngine = !options.engine;
  const started = Date.now();
  const engine = options.engine ?? (await loadEngine(options));
  logger.info({ model: engine.model, modelDir: options.modelDir, loadMs: Date.now() - started }, 'model loaded');
  const server = await startAsrWorkerServer({
    engine,
    modelVersions: options.modelVersions,
    port: options.port,
    host: options.host,
    maxOpenStreams: options.maxOpenStreams,
    logger,
  });
  let metrics: WorkerMetrics | undefined;
  if (options.metricsPort !== undefined) {
    metrics = await startWorkerMetrics(createWorkerRegistry(server, options.modelVersions[0] ?? ''), options.metricsPort, options.host);
  }
  // The seed's readiness line: operators and compose logs wait for exactly this text.
  logger.info({ port: server.port, metricsPort: metrics?.port }, 'Ready to serve!');

  let stopping: Promise<void> | undefined;
  return {
    name: 'asr-worker',
    port: server.port,
    server,
    engine,
    stop() {
      stopping ??= (async () => {
        await server.drain(options.drainGraceMs);
        await metrics?.close();
        if (ownsEngine) await engine.close();
        logger.info('asr worker stopped');
      })();
      return stopping;
    },
  };
}

// `tsx runtime/roles/asr-worker.ts`: one worker per process (containers), stopped by SIGTERM with drain.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const logger = createLogger('asr-worker');
  startAsrWorker({ ...asrWorkerOptionsFromEnv(), logger }).then(
    (worker) => {
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'stopping: draining live sessions');
        void worker.stop().then(() => process.exit(0));
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (error: unknown) => {
      logger.fatal({ err: error }, 'asr worker failed to start');
      process.exit(1);
    },
  );
}
