/**
 * The logging gpu-pool needs, passed in by whoever builds the engine, worker server or pool
 * client (the runtime passes its pino loggers, which satisfy this): gpu-pool depends on no
 * logger implementation and nothing above it.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => {};

/** Drops everything: the default where a caller passes no logger (tests, scripts). */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
