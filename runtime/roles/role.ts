/**
 * A role is one deployable part of Earshot (gateway, asr-worker, license-proxy, usage-reporter,
 * reference upstreams). The embedded default starts every role in one process; scale-out
 * deployments start one role per process (`npm start -- --role gateway`).
 */
export interface RoleHandle {
  readonly name: string;
  /** Stop accepting new work, finish (or hand off) live work, release resources. */
  stop(): Promise<void>;
}
