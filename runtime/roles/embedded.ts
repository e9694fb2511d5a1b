/**
 * The embedded default (`npm start`): every role in one process, no external service.
 * An ASR worker with the project's own model on a loopback gRPC port, and the gateway in front of
 * it through the same gRPC pool client a scaled-out gateway uses; sessions, tokens and the licence
 * view in memory (evaluation mode without a licence); usage records go to the log.
 */
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { createGrpcAsrPool, routingTableFrom } from '../../gpu-pool/client/index.ts';
import type { RuntimeConfig } from '../config/index.ts';
import { createLogger, type Logger } from '../logger.ts';
import { asrWorkerOptionsFromEnv, startAsrWorker } from './asr-worker.ts';
import { startGateway, type GatewayHandle } from './gateway.ts';
import type { RoleHandle } from './role.ts';

export interface EmbeddedHandle extends RoleHandle {
  readonly gateway: GatewayHandle;
  readonly asrPort: number;
}

export interface EmbeddedOptions {
  /** An engine built by the caller (tests); otherwise the worker loads MODEL_DIR / the default model. */
  engine?: AsrEngine;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export async function startEmbedded(config: RuntimeConfig, options: EmbeddedOptions = {}): Promise<EmbeddedHandle> {
  const logger = options.logger ?? createLogger('embedded');
  const workerOptions = asrWorkerOptionsFromEnv(options.env ?? process.env);
  const worker = await startAsrWorker({
    ...workerOptions,
    host: '127.0.0.1',
    port: config.embeddedAsrPort,
    metricsPort: undefined,
    drainGraceMs: config.drainGraceMs,
    engine: options.engine,
    logger: logger.child({ role: 'asr-worker' }),
  });
  const address = `127.0.0.1:${worker.port}`;
  const pool = createGrpcAsrPool({
    routes: routingTableFrom(Object.fromEntries(workerOptions.modelVersions.map((label) => [label, [address]]))),
    logger: logger.child({ role: 'asr-pool' }),
  });
  let gateway: GatewayHandle;
  try {
    gateway = await startGateway(
      // Embedded means in-memory state whatever REDIS_URL says: no external service.
      { ...config, sessions: { ...config.sessions, redisUrl: undefined } },
      { pool, role: 'embedded', logger: logger.child({ role: 'gateway' }) },
    );
  } catch (error) {
    await pool.close();
    await worker.stop();
    throw error;
  }
  return {
    name: 'embedded',
    gateway,
    asrPort: worker.port,
    async stop() {
      await gateway.stop();
      await pool.close();
      await worker.stop();
    },
  };
}
