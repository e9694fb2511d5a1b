import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (one object per line) unless EARSHOT_LOG_PRETTY=1 or the
 * seed-compatible USE_STRUCTURED_LOGGING=false asks for plain text lines.
 */
export function createLogger(name: string, bindings: Record<string, unknown> = {}): Logger {
  const level = (process.env.LOG_LEVEL ?? process.env.LOGGING_LEVEL ?? 'info').toLowerCase();
  const structured = !/^(false|0|no)$/i.test(process.env.USE_STRUCTURED_LOGGING ?? 'true');
  return pino({
    name,
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(structured
      ? {}
      : {
          formatters: { level: (label: string) => ({ level: label }) },
        }),
  });
}
