/**
 * Earshot's one entry point: `npm start` (= `tsx runtime/main.ts`).
 *
 *   npm start                               every role in one process (embedded default, port 8080)
 *   npm start -- --role gateway             the public WebSocket API, in front of gRPC ASR workers
 *   npm start -- --role asr-worker          one model behind the gRPC StreamingRecognizer service
 *   npm start -- --role license-proxy | usage-reporter | reference-upstream
 *
 * EARSHOT_ROLE (or ROLE) is the environment equivalent of --role. SIGTERM/SIGINT drain and stop.
 */
import { ConfigError, loadConfig, type RuntimeConfig } from './config/index.ts';
import { createLogger } from './logger.ts';
import { startAsrWorker } from './roles/asr-worker.ts';
import { startEmbedded } from './roles/embedded.ts';
import { startGateway, type GatewayHandle } from './roles/gateway.ts';
import { startLicenceProxy } from './roles/license-proxy.ts';
import { startReferenceUpstream } from './roles/reference-upstream.ts';
import type { RoleHandle } from './roles/role.ts';
import { startUsageReporter } from './roles/usage-reporter.ts';

const logger = createLogger('earshot');

async function startRole(config: RuntimeConfig): Promise<RoleHandle> {
  switch (config.role) {
    case 'embedded': {
      const embedded = await startEmbedded(config, { logger });
      announce('embedded: every role in one process', embedded.gateway);
      return embedded;
    }
    case 'gateway': {
      const gateway = await startGateway(config, { logger });
      announce('gateway', gateway);
      return gateway;
    }
    case 'asr-worker':
      // loadConfig reads the worker's settings for this role, so config.asrWorker is set here.
      return startAsrWorker(config.asrWorker);
    case 'license-proxy':
      return startLicenceProxy(config.sessions);
    case 'usage-reporter':
      return startUsageReporter(config.sessions);
    case 'reference-upstream':
      return startReferenceUpstream();
  }
}

/** One human line on stdout saying where to connect, whatever the log format. */
function announce(what: string, gateway: GatewayHandle): void {
  const [plain] = gateway.urls;
  const http = plain.replace(/^ws:/, 'http:').replace(/\/v3\/ws$/, '');
  process.stdout.write(
    `Earshot (${what}) listening on ${gateway.urls.join(' and ')} (also ${plain.replace(/\/v3\/ws$/, '/')}); ` +
      `health ${http}/v3/ws/health, metrics ${http}/metrics\n`,
  );
}

async function main(): Promise<void> {
  let config: RuntimeConfig;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const role = await startRole(config);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, role: config.role }, 'stopping');
    role.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'Earshot failed to start');
  // Let pino write its line before the process goes.
  setTimeout(() => process.exit(1), 50);
});
