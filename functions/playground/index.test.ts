import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../streaming/testing/harness.ts';
import { createPlaygroundRoutes, PLAYGROUND_PATHS } from './index.ts';

describe('the playground routes', () => {
  const app = createPlaygroundRoutes();

  it('serve the page, its script and its worklet as they are, with a same-origin CSP', async () => {
    const types: string[] = [];
    for (const path of PLAYGROUND_PATHS) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      types.push(res.headers.get('content-type') ?? '');
    }
    expect(types).toEqual(['text/html; charset=utf-8', 'text/javascript; charset=utf-8', 'text/javascript; charset=utf-8']);
    const page = await (await app.request('/playground')).text();
    expect([...page.matchAll(/src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/playground/app.js']);
    // The page asks for a temporary token; no key is written into what it is served.
    const script = await (await app.request('/playground/app.js')).text();
    expect(script).toContain("fetch('/v3/token?expires_in_seconds=60'");
    expect(script).toContain("addModule('/playground/pcm-worklet.js')");
  });
});

describe('PLAYGROUND=false', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('leaves the page unmounted (404) while the API is served', async () => {
    server = await startTestServer({ PLAYGROUND: 'false' });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/playground`)).status).toBe(404);
    expect((await fetch(`${base}/playground/app.js`)).status).toBe(404);
    expect((await fetch(`${base}/v3/ws/health`)).status).toBe(200);
  });
});
