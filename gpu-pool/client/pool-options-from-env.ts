/**
 * The gateway's ASR pool settings from the environment:
 *   ASR_ROUTES                 label[,label]=host:port[,host:port]; ...   (see routing-table.ts)
 *   ASR_ENDPOINT               one router for every label (seed: AAI_ASR_ENDPOINT=streaming-asr-lb:80)
 *   ASR_ACCEPT_TIMEOUT_MS      how long a worker may take to accept a session (default 3000)
 *   ASR_ATTEMPTS_PER_SESSION   tries across workers before giving up (default 3)
 *   ASR_SECURE_CHANNEL         TLS to the workers (seed: AAI_USE_SECURE_CHANNEL_TO_ASR_SERVICE)
 * Returns undefined when no route is configured (the embedded default wires its own worker).
 */
import { parseBoolean } from '../parse-boolean.ts';
import type { GrpcAsrPoolOptions } from './grpc-asr-pool.ts';
import { routingTableFromEnv } from './routing-table.ts';

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return parsed;
}

export function grpcAsrPoolOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GrpcAsrPoolOptions | undefined {
  const routes = routingTableFromEnv(env);
  if (!routes) return undefined;
  const secure = env.ASR_SECURE_CHANNEL ?? env.AAI_USE_SECURE_CHANNEL_TO_ASR_SERVICE ?? 'false';
  return {
    routes,
    acceptTimeoutMs: positiveInteger('ASR_ACCEPT_TIMEOUT_MS', env.ASR_ACCEPT_TIMEOUT_MS),
    attemptsPerSession: positiveInteger('ASR_ATTEMPTS_PER_SESSION', env.ASR_ATTEMPTS_PER_SESSION),
    secure: parseBoolean(secure) === true,
  };
}
