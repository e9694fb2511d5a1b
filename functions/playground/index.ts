/**
 * functions/playground: a try-it page on the main port (GET /playground). Plain HTML, one script and
 * an AudioWorklet, served as they are (no build step), so an operator who has just started Earshot
 * can talk into a microphone, or drop a WAV/FLAC file, and watch the v3 protocol work. The page
 * holds no API key: it asks GET /v3/token for a temporary token and puts that in the WebSocket
 * URL, as a browser app built on the cloud API does.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

export const PLAYGROUND_PATHS = ['/playground', '/playground/app.js', '/playground/pcm-worklet.js'] as const;

const STATIC = new URL('./static/', import.meta.url);
const FILES: Record<(typeof PLAYGROUND_PATHS)[number], { file: string; type: string }> = {
  '/playground': { file: 'playground.html', type: 'text/html; charset=utf-8' },
  '/playground/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/playground/pcm-worklet.js': { file: 'pcm-worklet.js', type: 'text/javascript; charset=utf-8' },
};

// Only this origin's scripts, and connections back to this server (token fetch, WebSocket): the
// page shows text from the network, and a stray inline script must not run.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:";

export function createPlaygroundRoutes(): Hono {
  const app = new Hono();
  for (const path of PLAYGROUND_PATHS) {
    const { file, type } = FILES[path];
    // Read at mount: a missing file fails the start-up, not the first visitor.
    const body = readFileSync(new URL(file, STATIC), 'utf8');
    app.get(path, (c) =>
      c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' }),
    );
  }
  return app;
}
