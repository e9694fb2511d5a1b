/**
 * The ASR worker's gRPC server: StreamingRecognizer over one engine, grpc.health.v1 beside it,
 * an admission limit, and a drain that lets live sessions finish before the process exits.
 */
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { AsrEngine } from '../engine/api.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { createAdmission } from './admission.ts';
import { serverChannelOptions, type ChannelTimings } from './channel-settings.ts';
import { addHealthService, type WorkerHealth } from './health.ts';
import { loadStreamingRecognizer } from '../proto/proto.ts';
import { handleRecognizeCall, type LiveCall, type RecognizeCall } from './recognize-call.ts';
import { statusOf } from './status-error.ts';

export interface AsrWorkerServerOptions {
  engine: AsrEngine;
  /** Labels (X-Model-Version) this worker serves, e.g. ['en-default']. */
  modelVersions: string[];
  /** 0 picks a free port (tests). Default 50051. */
  port?: number;
  /** Default 0.0.0.0 (all interfaces, as in a container). */
  host?: string;
  /** Admission limit (MAX_OPEN_STREAMS). Default 48. */
  maxOpenStreams?: number;
  workerId?: string;
  configTimeoutMs?: number;
  /** Ping timings (channel-settings.ts); tests shorten them. */
  channelTimings?: ChannelTimings;
  /** Default: logs nothing (the runtime passes its logger). */
  logger?: Logger;
}

export interface AsrWorkerServer {
  /** The bound port (useful when 0 was asked). */
  readonly port: number;
  readonly workerId: string;
  readonly health: WorkerHealth;
  readonly activeStreams: number;
  readonly maxOpenStreams: number;
  readonly draining: boolean;
  /**
   * Health NOT_SERVING, new calls refused with UNAVAILABLE, live calls get up to `graceMs` to
   * finish; the rest end with UNAVAILABLE; then the server shuts down.
   */
  drain(graceMs: number): Promise<void>;
}

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
}

export async function startAsrWorkerServer(options: AsrWorkerServerOptions): Promise<AsrWorkerServer> {
  const maxOpenStreams = options.maxOpenStreams ?? 48;
  const admission = createAdmission(maxOpenStreams);
  const modelVersions = new Set(options.modelVersions);
  const logger = options.logger ?? silentLogger;
  const server = new grpc.Server(serverChannelOptions(options.channelTimings));
  const health = addHealthService(server);
  const liveCalls = new Set<LiveCall>();
  let draining = false;
  let workerId = options.workerId ?? '';

  server.addService(loadStreamingRecognizer().service, {
    Recognize(call: RecognizeCall) {
      if (draining) {
        call.emit('error', statusOf(grpc.status.UNAVAILABLE, `worker ${workerId} is draining; retry on another worker`));
        return;
      }
      const live = handleRecognizeCall(call, {
        engine: options.engine,
        admission,
        modelVersions,
        workerId,
        configTimeoutMs: options.configTimeoutMs ?? 10_000,
        logger,
      });
      liveCalls.add(live);
      void live.done.then(() => liveCalls.delete(live));
    },
  });

  const host = options.host ?? '0.0.0.0';
  const port = await bind(server, `${host}:${options.port ?? 50051}`);
  workerId ||= `${hostname()}:${port}`;
  health.setServing();
  logger.info({ port, modelVersions: [...modelVersions], maxOpenStreams, workerId }, 'asr worker listening');

  async function drain(graceMs: number): Promise<void> {
    if (draining) return;
    draining = true;
    health.setNotServing();
    logger.info({ active: admission.active, graceMs }, 'draining: refusing new sessions');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([admission.idle().then(() => 'idle' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn({ active: admission.active }, 'grace period over: ending the remaining sessions');
      for (const live of liveCalls) live.abort(statusOf(grpc.status.UNAVAILABLE, `worker ${workerId} shut down`));
    }
    // tryShutdown waits for the calls to flush their status; forceShutdown is the backstop.
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  return {
    port,
    get workerId() {
      return workerId;
    },
    health,
    get activeStreams() {
      return admission.active;
    },
    maxOpenStreams,
    get draining() {
      return draining;
    },
    drain,
  };
}
