import { pino, type Logger } from 'pino';
import { parseBoolean } from '../gpu-pool/parse-boolean.ts';

export type { Logger };

/**
 * The seed-compatible USE_STRUCTURED_LOGGING, read like every other yes/no variable; unset or
 * unreadable keeps the structured default, so a typo never silences the logs a deployment parses.
 */
export function structuredLogging(value: string | undefined): boolean {
  return parseBoolean(value ?? '') ?? true;
}

/**
 * Structured JSON logs (one object per line) unless EARSHOT_LOG_PRETTY=1 or
 * USE_STRUCTURED_LOGGING=false asks for plain text lines.
 */
export function createLogger(name: string, bindings: Record<string, unknown> = {}): Logger {
  const level = (process.env.LOG_LEVEL ?? process.env.LOGGING_LEVEL ?? 'info').toLowerCase();
  const structured = structuredLogging(process.env.USE_STRUCTURED_LOGGING);
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
