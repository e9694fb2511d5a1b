/**
 * infra/nginx_streaming_asr.conf made runnable on loopback by the Debian `nginx` package: the
 * worker services become loopback ports (several ports = an upstream group, as DNS round robin
 * over scaled replicas is in compose), and logs / temp files go to a writable folder.
 * Used by gpu-pool/client/nginx-router.test.ts and runtime/scale-out-e2e.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:http2';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROUTER_CONFIG = fileURLToPath(new URL('../nginx_streaming_asr.conf', import.meta.url));
export const hasNginx = (): boolean => spawnSync('nginx', ['-v']).status === 0;

/** The committed config with service names → loopback ports and writable paths for a non-daemon run. */
export function renderRouterConfig(template: string, listenPort: number, backends: Record<string, number | number[]>, dir: string): string {
  let config = template.replace(/listen 80 http2;/, `listen 127.0.0.1:${listenPort} http2;`);
  const upstreams: string[] = [];
  for (const [service, ports] of Object.entries(backends)) {
    if (Array.isArray(ports)) {
      // A variable grpc_pass naming an upstream group uses the group: round robin, and the next
      // server when one refuses the connection (grpc_next_upstream error).
      upstreams.push(`upstream ${service} { ${ports.map((port) => `server 127.0.0.1:${port};`).join(' ')} }`);
      config = config.replaceAll(`${service}:50051`, service);
    } else {
      config = config.replaceAll(`${service}:50051`, `127.0.0.1:${ports}`);
    }
  }
  if (/streaming-asr-[a-z0-9-]+:50051/.test(config)) throw new Error('a backend of the router config has no test port');
  return config
    .replace('worker_processes auto;', 'worker_processes 1;')
    .replace('error_log /dev/stderr info;', `error_log ${dir}/error.log info;`)
    .replace('access_log /dev/stdout;', 'access_log off;')
    .replace(/^http \{$/m, `http {\n  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${dir}/${kind};`).join(' ')}\n  ${upstreams.join('\n  ')}`);
}

/** GET over cleartext HTTP/2 (the router's port speaks only h2c, like `curl --http2-prior-knowledge`). */
export function h2Get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':path': path });
    let body = '';
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.on('error', reject);
  });
}

/** Starts nginx in the foreground on the rendered config; resolves once /nginx_health answers. */
export async function startRouter(listenPort: number, backends: Record<string, number | number[]>, dir: string): Promise<ChildProcess> {
  writeFileSync(join(dir, 'nginx.conf'), renderRouterConfig(readFileSync(ROUTER_CONFIG, 'utf8'), listenPort, backends, dir));
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid;`], { stdio: 'inherit' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const healthy = await h2Get(listenPort, '/nginx_health').then((response) => response.status === 200, () => false);
    if (healthy) return nginx;
    if (Date.now() > deadline || nginx.exitCode !== null) {
      nginx.kill('SIGKILL');
      throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
