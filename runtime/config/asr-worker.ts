/**
 * The asr-worker role's own variables (SERVER_PORT, MAX_OPEN_STREAMS, MODEL_VERSION, MODEL_DIR,
 * ASR_*, DRAIN_GRACE_MS, METRICS_PORT). They live here, beside the rest of the runtime's config, so
 * loadConfig can list a worker's problems with every other one, and the standalone worker entry
 * (`tsx runtime/roles/asr-worker.ts`) reads them the same way.
 */
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { parseBoolean } from '../../gpu-pool/parse-boolean.ts';
import { DRAIN_GRACE_MS } from './drain.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where each deployable label's model lives unless MODEL_DIR says otherwise. */
const DEFAULT_MODEL_DIRS: Record<string, string> = {
  'en-default': 'models/earshot-en',
};

/** What the environment decides about a worker; the role adds what only code can give (engine, logger). */
export interface AsrWorkerSettings {
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
  decoding?: 'auto' | 'greedy_search' | 'modified_beam_search';
  /**
   * Execution provider (ASR_PROVIDER): auto (CUDA when a GPU and the provider library are there,
   * else CPU), cpu, or cuda — which fails at start without them (the GPU images set it).
   */
  provider?: 'auto' | 'cpu' | 'cuda';
  /** How long live sessions may run on after stop() (DRAIN_GRACE_MS; default in runtime/config/drain.ts). */
  drainGraceMs: number;
  /** Prometheus /metrics port (METRICS_PORT); unset = no metrics listener. */
  metricsPort?: number;
}

/**
 * Reads the worker's variables, noting every bad one instead of stopping at the first, so one
 * failed start lists all that an operator has to fix.
 */
class WorkerEnv {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

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

/** The worker's settings and every problem found reading them (the caller decides how to fail). */
export function asrWorkerSettingsFromEnv(env: Record<string, string | undefined>): { settings: AsrWorkerSettings; problems: string[] } {
  const read = new WorkerEnv(env);
  const modelVersions = (env.MODEL_VERSION ?? 'en-default').split(',').map((label) => label.trim()).filter(Boolean);
  const label = modelVersions[0] ?? 'en-default';
  const modelDir = env.MODEL_DIR ?? DEFAULT_MODEL_DIRS[label];
  if (!modelDir) read.problems.push(`MODEL_DIR is required for model version '${label}' (no default model folder for it)`);
  const settings: AsrWorkerSettings = {
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
  return { settings, problems: read.problems };
}
