/**
 * AsrPool over gRPC: per model version, round-robin over the configured worker addresses; a
 * worker that is full (POOL_FULL), draining or unreachable is skipped for the next one, all
 * within one accept deadline.
 */
import * as grpc from '@grpc/grpc-js';
import { silentLogger, type Logger } from '../logger.ts';
import type { WireSessionConfig } from '../proto/messages.ts';
import { CHANNEL_TIMINGS, clientChannelOptions, type ChannelTimings } from '../grpc/channel-settings.ts';
import { checkHealth } from '../grpc/health-probe.ts';
import { ASR_SERVICE_NAME, loadStreamingRecognizer } from '../proto/proto.ts';
import { AsrPoolError, type AsrPool, type AsrSession, type AsrSessionRequest } from './api.ts';
import { createChannelGenerations, type ChannelGenerations } from './channel-generations.ts';
import { openOnWorker } from './open-on-worker.ts';
import { worthFailingOver } from './pool-errors.ts';
import { addressesFor, type RoutingTable } from './routing-table.ts';

export interface GrpcAsrPoolOptions {
  routes: RoutingTable;
  /** Total time for a worker to accept a session, failovers included. Default 3000 ms. */
  acceptTimeoutMs?: number;
  /**
   * Tries per session before giving up, cycling through the label's addresses. More tries than
   * addresses matter when one address is a DNS name for many workers (a Kubernetes headless
   * Service, nginx over scaled replicas): each try may land on another worker. Default 3.
   */
  attemptsPerSession?: number;
  /** TLS on the gRPC hop (the seed's AAI_USE_SECURE_CHANNEL_TO_ASR_SERVICE). Default false. */
  secure?: boolean;
  /** Pings, channel refresh, cancel grace (gpu-pool/grpc/channel-settings.ts); tests shorten them. */
  channelTimings?: ChannelTimings;
  /** Default: logs nothing (the runtime passes its logger). */
  logger?: Logger;
}

function toWireConfig(request: AsrSessionRequest): WireSessionConfig {
  return {
    sessionId: request.sessionId,
    modelVersion: request.modelVersion,
    sampleRate: request.sampleRate,
    encoding: request.encoding === 'pcm_mulaw' ? 'PCM_MULAW' : 'PCM_S16LE',
    turnDetection: request.turnDetection,
    keyterms: request.keyterms,
    formatTurns: request.formatTurns,
  };
}

/** The error the gateway sees when every worker refused: "full" beats "gone" beats "not here". */
function combine(errors: AsrPoolError[], modelVersion: string): AsrPoolError {
  const summary = errors.map((error) => error.message).join('; ');
  for (const code of ['INVALID_ARGUMENT', 'POOL_FULL', 'UNAVAILABLE', 'MODEL_NOT_DEPLOYED', 'INTERNAL'] as const) {
    if (errors.some((error) => error.code === code)) {
      return new AsrPoolError(code, `no worker accepted a '${modelVersion}' session: ${summary}`);
    }
  }
  return new AsrPoolError('INTERNAL', `no worker accepted a '${modelVersion}' session`);
}

/** How long one readiness answer is reused, and how long a worker has to answer its health check. */
const READINESS_CACHE_MS = 1_000;
const READINESS_PROBE_TIMEOUT_MS = 1_000;

export function createGrpcAsrPool(options: GrpcAsrPoolOptions): AsrPool {
  const acceptTimeoutMs = options.acceptTimeoutMs ?? 3_000;
  const attemptsPerSession = options.attemptsPerSession ?? 3;
  const logger = options.logger ?? silentLogger;
  const credentials = options.secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const Recognizer = loadStreamingRecognizer();
  const timings = options.channelTimings ?? CHANNEL_TIMINGS;
  const channelOptions = clientChannelOptions(timings);
  const channels = new Map<string, ChannelGenerations>();
  const nextIndex = new Map<string, number>();
  const readiness = new Map<string, { at: number; answer: Promise<boolean> }>();
  let closed = false;

  // One channel per address at a time, shared by all its sessions (HTTP/2 multiplexes the streams),
  // renewed every channelRefreshMs without disturbing the calls on the older one.
  function channelsFor(address: string): ChannelGenerations {
    let generations = channels.get(address);
    if (!generations) {
      generations = createChannelGenerations(() => new Recognizer(address, credentials, channelOptions), timings.channelRefreshMs);
      channels.set(address, generations);
    }
    return generations;
  }

  /** The addresses to try for one session, starting at the label's round-robin position. */
  function rotation(modelVersion: string): string[] {
    const addresses = addressesFor(options.routes, modelVersion);
    if (addresses.length === 0) return [];
    const start = nextIndex.get(modelVersion) ?? 0;
    nextIndex.set(modelVersion, (start + 1) % addresses.length);
    const tries = Math.max(addresses.length, attemptsPerSession);
    return Array.from({ length: tries }, (_, offset) => addresses[(start + offset) % addresses.length]);
  }

  return {
    async open(request: AsrSessionRequest): Promise<AsrSession> {
      if (closed) throw new AsrPoolError('UNAVAILABLE', 'the ASR pool is closed');
      const candidates = rotation(request.modelVersion);
      if (candidates.length === 0) {
        throw new AsrPoolError('MODEL_NOT_DEPLOYED', `model version '${request.modelVersion}' is not deployed (no worker configured)`);
      }
      const deadline = Date.now() + acceptTimeoutMs;
      const config = toWireConfig(request);
      const errors: AsrPoolError[] = [];
      for (const address of candidates) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          errors.push(new AsrPoolError('UNAVAILABLE', `accept deadline of ${acceptTimeoutMs} ms passed before trying ${address}`));
          break;
        }
        try {
          const lease = channelsFor(address).lease();
          return await openOnWorker(lease.client, address, config, { acceptTimeoutMs: remaining, cancelGraceMs: timings.cancelGraceMs }, lease.release);
        } catch (error) {
          const poolError = error instanceof AsrPoolError ? error : new AsrPoolError('INTERNAL', String(error));
          logger.debug({ sessionId: request.sessionId, address, code: poolError.code }, 'worker refused the session');
          errors.push(poolError);
          if (!worthFailingOver(poolError)) break;
        }
      }
      throw combine(errors, request.modelVersion);
    },
    serves(modelVersion: string): boolean {
      return addressesFor(options.routes, modelVersion).length > 0;
    },
    ready(modelVersion: string): Promise<boolean> {
      // One probe round per label at a time, its answer kept for a second: a load balancer
      // polling health often does not turn into a flood of health calls on the workers.
      const cached = readiness.get(modelVersion);
      if (cached && Date.now() - cached.at < READINESS_CACHE_MS) return cached.answer;
      const addresses = addressesFor(options.routes, modelVersion);
      const answer = Promise.all(
        addresses.map((address) => checkHealth(address, ASR_SERVICE_NAME, READINESS_PROBE_TIMEOUT_MS).then((status) => status === 'SERVING', () => false)),
      ).then((serving) => serving.some(Boolean));
      readiness.set(modelVersion, { at: Date.now(), answer });
      return answer;
    },
    async close(): Promise<void> {
      closed = true;
      for (const generations of channels.values()) generations.close();
      channels.clear();
    },
  };
}
