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
import { routingTableFromEnv, type RoutingTable } from './routing-table.ts';

/**
 * The pool settings and every problem with their variables, not just the first, so that the
 * runtime can list them with its own (runtime/config). Options are undefined without routes.
 */
export function grpcAsrPoolOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { options: GrpcAsrPoolOptions | undefined; problems: string[] } {
  const problems: string[] = [];
  const positiveInteger = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value.trim() === '') return undefined;
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= 1) return parsed;
    problems.push(`${name} must be a positive integer, got '${value}'`);
    return undefined;
  };
  let routes: RoutingTable | undefined;
  try {
    routes = routingTableFromEnv(env);
  } catch (error) {
    const name = env.ASR_ROUTES?.trim() ? 'ASR_ROUTES' : env.ASR_ENDPOINT !== undefined ? 'ASR_ENDPOINT' : 'AAI_ASR_ENDPOINT';
    problems.push(`${name}: ${(error as Error).message}`);
  }
  const secureName = env.ASR_SECURE_CHANNEL !== undefined ? 'ASR_SECURE_CHANNEL' : 'AAI_USE_SECURE_CHANNEL_TO_ASR_SERVICE';
  const secureText = env[secureName]?.trim() || 'false';
  const secure = parseBoolean(secureText);
  if (secure === undefined) problems.push(`${secureName} must be true or false, got '${secureText}'`);
  const acceptTimeoutMs = positiveInteger('ASR_ACCEPT_TIMEOUT_MS');
  const attemptsPerSession = positiveInteger('ASR_ATTEMPTS_PER_SESSION');
  return { options: routes && { routes, acceptTimeoutMs, attemptsPerSession, secure: secure === true }, problems };
}
