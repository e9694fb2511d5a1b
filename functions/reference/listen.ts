import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

/** Serves a Hono app on a port (0 = any free port) and resolves once it is listening. */
export async function listen(app: Hono, port: number, hostname = '0.0.0.0'): Promise<{ port: number; close(): Promise<void> }> {
  let server: ServerType | undefined;
  const bound = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port, hostname }, (info) => resolve(info.port));
    server.once('error', reject);
  });
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        // Drop keep-alive sockets too, so a "down" upstream is really down.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server?.close(() => resolve());
      }),
  };
}
