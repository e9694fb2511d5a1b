/**
 * The gateway role: the public streaming API. Mounts the functions declared for its role in
 * wrangler-like.config.ts on one Hono app, serves it on PORT (and TLS_PORT), and drains on stop:
 * each function's declared drain hook gets DRAIN_GRACE_MS (streaming: no new sessions, health
 * turns 503, live ones get the grace to finish, then Error 3005); a licence failure goes to each
 * function's onLicenceFailed hook.
 */
import { Hono } from 'hono';
import manifest from '../../wrangler-like.config.ts';
import { createGrpcAsrPool } from '../../gpu-pool/client/index.ts';
import type { AsrPool } from '../../gpu-pool/client/api.ts';
import { LiveSessions, OnnxPunctuator, type Punctuator } from '../../functions/streaming/index.ts';
import { declaredBindings, functionsFor, type Bindings, type FunctionDeclaration } from '../bindings.ts';
import type { Role, RuntimeConfig } from '../config/index.ts';
import { MAX_MESSAGE_BYTES } from '../config/limits.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createGatewayMetrics } from '../metrics.ts';
import { createSessionLifecycle, type SessionLifecycleHandle } from '../sessions/index.ts';
import { listenPlain, listenTls, type Listener } from './listeners.ts';
import type { RoleHandle } from './role.ts';
import { createWebSocketEndpoint } from './websocket-endpoint.ts';

export interface GatewayHandle extends RoleHandle {
  readonly port: number;
  readonly tlsPort?: number;
  readonly urls: string[];
  readonly live: LiveSessions;
  readonly sessions: SessionLifecycleHandle;
}

export interface GatewayDeps {
  /** A pool built by the caller (embedded: the in-process worker); otherwise from ASR_ROUTES/ASR_ENDPOINT. */
  pool?: AsrPool;
  sessions?: SessionLifecycleHandle;
  logger?: Logger;
  /** Which role's functions to mount (embedded mounts the same set under its own name). */
  role?: Role;
}

export async function startGateway(config: RuntimeConfig, deps: GatewayDeps = {}): Promise<GatewayHandle> {
  const logger = deps.logger ?? createLogger('gateway');
  const ownsPool = !deps.pool;
  let pool = deps.pool;
  if (!pool) {
    if (!config.asrPool) throw new Error('the gateway role needs ASR workers: set ASR_ROUTES (label=host:port;...) or ASR_ENDPOINT (one router)');
    pool = createGrpcAsrPool({ ...config.asrPool, logger: createLogger('asr-pool') });
  }
  const ownsSessions = !deps.sessions;
  const sessions = deps.sessions ?? (await createSessionLifecycle(config.sessions));

  const app = new Hono();
  const { attach, upgradeWebSocket } = createWebSocketEndpoint(app, { maxPayloadBytes: MAX_MESSAGE_BYTES });
  const live = new LiveSessions();
  const metrics = createGatewayMetrics({ clusterSessions: () => sessions.activeSessions() });
  const punctuator = await loadPunctuator(config.punctuationModelDir, logger);
  const bindings: Bindings = { config, asrPool: pool, sessions, live, upgradeWebSocket, metrics, logger, punctuator };

  const mounted: { declaration: FunctionDeclaration; given: Bindings }[] = [];
  for (const declaration of functionsFor(manifest, deps.role ?? 'gateway')) {
    if (declaration.enabled && !declaration.enabled(config)) continue;
    const given = declaredBindings(declaration, bindings);
    const routes = declaration.mount(given);
    const missing = declaration.routes.filter((path) => !routes.routes.some((route) => route.path === path));
    if (missing.length > 0) throw new Error(`function '${declaration.name}' does not serve its declared routes: ${missing.join(', ')}`);
    app.route('/', routes);
    mounted.push({ declaration, given });
  }
  const stopLicenceWatch = sessions.onLicenceFailed((failure) => {
    for (const { declaration, given } of mounted) declaration.onLicenceFailed?.(given, failure);
  });

  const listeners: Listener[] = [await listenPlain(app, config.host, config.port, attach)];
  if (config.tls) listeners.push(await listenTls(app, config.host, config.tls, attach));
  const urls = listeners.map((listener) => `${listener.url}/v3/ws`);
  logger.info({ urls, sessions: sessions.mode }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  return {
    name: 'gateway',
    port: listeners[0].port,
    tlsPort: listeners[1]?.port,
    urls,
    live,
    sessions,
    stop() {
      stopping ??= (async () => {
        logger.info({ liveSessions: live.size, graceMs: config.drainGraceMs }, 'draining');
        await Promise.all(mounted.map(({ declaration, given }) => declaration.drain?.(given, config.drainGraceMs)));
        stopLicenceWatch();
        await Promise.all(listeners.map((listener) => listener.close()));
        if (ownsSessions) await sessions.close();
        if (ownsPool) await pool.close();
        logger.info('gateway stopped');
      })();
      return stopping;
    },
  };
}

/** PUNCTUATION_MODEL: a folder that does not load stops the gateway at start, like any bad setting. */
async function loadPunctuator(dir: string | null, logger: Logger): Promise<Punctuator | undefined> {
  if (dir === null) return undefined;
  try {
    const punctuator = await OnnxPunctuator.load(dir);
    logger.debug({ dir }, 'punctuation model loaded');
    return punctuator;
  } catch (error) {
    throw new Error(`PUNCTUATION_MODEL: cannot load a punctuation model from ${dir}: ${(error as Error).message}`);
  }
}
