/**
 * What a function gets from the runtime when it is mounted (wrangler-like.config.ts declares, per
 * function, its routes, the roles that serve it and the bindings it uses). Functions receive
 * their bindings; they never reach for process.env, Redis or the pool on their own.
 */
import type { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { AsrPool } from '../gpu-pool/client/api.ts';
import type { LiveSessions, Punctuator } from '../functions/streaming/index.ts';
import type { RuntimeConfig, Role } from './config/index.ts';
import type { Logger } from './logger.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { SessionLifecycleHandle } from './sessions/index.ts';
import type { LicenceFailure } from './sessions/lifecycle.ts';

export interface Bindings {
  config: RuntimeConfig;
  /** The ASR pool (gRPC to workers): `asrPool` binding. */
  asrPool: AsrPool;
  /** Sessions, licence, tokens, usage: over Redis + BullMQ queues when REDIS_URL is set, in memory otherwise. */
  sessions: SessionLifecycleHandle;
  live: LiveSessions;
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Punctuation model for formatted final turns (PUNCTUATION_MODEL); undefined = the formatter's rules. */
  punctuator?: Punctuator;
}

export interface FunctionDeclaration {
  name: string;
  /** The paths it serves (checked against what mount() registers at start-up). */
  routes: readonly string[];
  roles: readonly Role[];
  bindings: ReadonlyArray<keyof Bindings>;
  /** A function a setting can switch off (absent = always on); off means not mounted at all: 404. */
  enabled?(config: RuntimeConfig): boolean;
  mount(bindings: Bindings): Hono;
  /**
   * On stop (SIGTERM), before the listeners close: what the function does so its clients can
   * finish, resolving when it is done. The runtime owns the timing (DRAIN_GRACE_MS), the function
   * what its clients are told.
   */
  drain?(bindings: Bindings, graceMs: number): Promise<void>;
  /** The licence failed (expired, revoked, trust window over): what the function ends. */
  onLicenceFailed?(bindings: Bindings, failure: LicenceFailure): void;
}

export interface BindingDeclaration {
  /** Environment variable(s) that configure it. */
  env: readonly string[];
  description: string;
}

export interface WranglerLikeConfig {
  name: string;
  main: string;
  bindings: {
    redis: BindingDeclaration;
    queues: BindingDeclaration & { names: Record<string, string> };
    asrPool: BindingDeclaration;
    config: BindingDeclaration;
  };
  functions: readonly FunctionDeclaration[];
}

export function defineConfig(config: WranglerLikeConfig): WranglerLikeConfig {
  return config;
}

/** The functions a role serves, mounted on one app, in declaration order. */
/**
 * What a function is given: only the bindings it declares, so the manifest's list is the contract
 * (a function that reaches for an undeclared binding finds it undefined at start-up, in its tests).
 */
export function declaredBindings(declaration: Pick<FunctionDeclaration, 'bindings'>, all: Bindings): Bindings {
  return Object.fromEntries(declaration.bindings.map((name) => [name, all[name]])) as unknown as Bindings;
}

export function functionsFor(config: WranglerLikeConfig, role: Role): FunctionDeclaration[] {
  return config.functions.filter((declaration) => declaration.roles.includes(role));
}
