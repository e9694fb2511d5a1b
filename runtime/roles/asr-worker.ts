/**
 * The asr-worker role: one engine (one model) behind the gRPC StreamingRecognizer server.
 * Configured from the environment like the seed's ASR containers (SERVER_PORT, MAX_OPEN_STREAMS,
 * LOGGING_LEVEL); logs `Ready to serve!` once the model is loaded and health says SERVING.
 */
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { AsrEngine, EngineOptions } from '../../gpu-pool/engine/api.ts';
import { startAsrWorkerServer, type AsrWorkerServer } from '../../gpu-pool/grpc/worker-server.ts';
import { createWorkerRegistry, startWorkerMetrics, type WorkerMetrics } from '../../gpu-pool/grpc/worker-metrics.ts';
import { parseBoolean } from '../../gpu-pool/parse-boolean.ts';
import { DRAIN_GRACE_MS } from '../config/drain.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { RoleHandle } from './role.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where each deployable label's model lives unless MODEL_DIR says otherwise. */
const DEFAULT_MODEL_DIRS: Record<string, string> = {
  'en-default': 'models/earshot-en',
};

export interface AsrWorkerOptions {
  /** gRPC port (SERVER_PORT). Default 50051; 0 picks a free port. */
  port: number;
  host: string;
  /** Admission limit (MAX_OPEN_STREAMS). Default 48. */
  maxOpenStreams: number;
  /** Labels served (MODEL_VERSION, comma-separated). Default en-default. */
  modelVersions: string[];
  /** Model folder (MODEL_DIR); default from the first label. */
  modelDir: string;
  /** Engine inference workers (ASR_WORKERS) and intra-op threads each (ASR_THREADS). */
  workers?: number;
  threads?: number;
  /**
   * Use model.int8.onnx where the folder has one (ASR_PREFER_INT8, default true): the default
   * model's int8 file decodes about 1.5-1.9× faster at the same measured WER (model card).
   */
  preferInt8?: boolean;
  /** Search for sessions (ASR_DECODING): auto (default), greedy_search or modified_beam_search. */
  decoding?: EngineOptions['decoding'];
  /**
   * Execution provider (ASR_PROVIDER): auto (CUDA when a GPU and the provider library are there,
   * else CPU), cpu, or cuda — which fails at start without them (the GPU images set it).
   */
  provider?: EngineOptions['provider'];
  /** How long live sessions may run on after stop() (DRAIN_GRACE_MS; default in runtime/config/drain.ts). */
  drainGraceMs: number;
  /** Prometheus /metrics port (METRICS_PORT); unset = no metrics listener. */
  metricsPort?: number;
  /** An engine built by the caller (embedded mode, tests); otherwise createEngine(modelDir). */
  engine?: AsrEngine;
  logger?: Logger;
}

export interface AsrWorkerHandle extends RoleHandle {
  readonly port: number;
  readonly server: AsrWorkerServer;
  readonly engine: AsrEngine;
}

/**
 * Reads the worker's variables, noting every bad one instead of stopping at the first, so one
 * failed start lists all that an operator has to fix (as runtime/config does for the others).
 */
class WorkerEnv {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  text(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const parsed = parseBoolean(value);
    if (parsed !== undefined) return parsed;
    this.problems.push(`${name} must be true or false, got '${value}'`);
    return fallback;
  }

  integer(name: string, fallback: number, min?: number): number;
  integer(name: string, fallback: undefined): number | undefined;
  integer(name: string, fallback: number | undefined, min = 0): number | undefined {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) this.problems.push(`${name} must be a non-negative integer, got '${value}'`);
    else if (parsed < min) this.problems.push(`${name} must be at least ${min}`);
    else return parsed;
    return fallback;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.text(name)?.trim() ?? fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got '${value}'`);
    return fallback;
  }
}

export function asrWorkerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AsrWorkerOptions {
  const read = new WorkerEnv(env);
  const modelVersions = (env.MODEL_VERSION ?? 'en-default').split(',').map((label) => label.trim()).filter(Boolean);
  const label = modelVersions[0] ?? 'en-default';
  const modelDir = env.MODEL_DIR ?? DEFAULT_MODEL_DIRS[label];
  if (!modelDir) read.problems.push(`MODEL_DIR is required for model version '${label}' (no default model folder for it)`);
  const options: AsrWorkerOptions = {
    port: read.integer('SERVER_PORT', 50051),
    host: env.SERVER_HOST ?? '0.0.0.0',
    maxOpenStreams: read.integer('MAX_OPEN_STREAMS', 48, 1),
    modelVersions,
    modelDir: modelDir === undefined ? '' : isAbsolute(modelDir) ? modelDir : resolve(REPO_ROOT, modelDir),
    workers: read.integer('ASR_WORKERS', undefined),
    threads: read.integer('ASR_THREADS', undefined),
    decoding: read.oneOf('ASR_DECODING', ['auto', 'greedy_search', 'modified_beam_search'] as const, 'auto'),
    provider: read.oneOf('ASR_PROVIDER', ['auto', 'cpu', 'cuda'] as const, 'auto'),
    preferInt8: read.boolean('ASR_PREFER_INT8', true),
    drainGraceMs: read.integer('DRAIN_GRACE_MS', DRAIN_GRACE_MS),
    metricsPort: read.integer('METRICS_PORT', undefined),
  };
  if (read.problems.length > 0) throw new Error(`invalid configuration:\n${read.problems.map((problem) => `  ${problem}`).join('\n')}`);
  return options;
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
