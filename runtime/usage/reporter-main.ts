/**
 * Standalone entry for the usage reporter (tests spawn it; `tsx runtime/usage/reporter-main.ts`
 * is equivalent to `npm start -- --role usage-reporter`). Config from the environment.
 */
import { startUsageReporter } from '../roles/usage-reporter.ts';
import { readSessionsConfig } from '../sessions/config.ts';
import { ReporterFatal } from './reporter.ts';

try {
  const role = await startUsageReporter(readSessionsConfig());
  const shutdown = () => void role.stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (err) {
  // onFatal already logged and is exiting with status 1; anything else is a crash.
  if (!(err instanceof ReporterFatal)) throw err;
}
