/**
 * The browser the playground test drives: the system's Chromium (Debian's `chromium` package, which
 * .ci/run installs), never one downloaded by playwright. Without it the test skips with one line
 * saying so; under CI=true that is an error, so CI never stops testing the page silently.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumForTests(options: { env?: NodeJS.ProcessEnv; candidates?: string[]; log?: (line: string) => void } = {}): string | null {
  const env = options.env ?? process.env;
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : (options.candidates ?? CHROMIUM_CANDIDATES);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const why = `no Chromium at ${candidates.join(' or ')} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (env.CI === 'true' || env.CI === '1') throw new Error(`the playground browser test needs Chromium: ${why}; CI=true makes this an error`);
  (options.log ?? console.warn)(`skipped: the playground browser test: ${why}`);
  return null;
}

/**
 * Flags for a headless run with a fake microphone playing `audioFile` once (`%noloop`: silence
 * after it, so the last turn ends the way it does when a speaker stops). Nothing leaves loopback:
 * no QUIC, no background requests, no component or sync updates.
 */
export function chromiumArgs(audioFile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${audioFile}%noloop`,
  ];
}
