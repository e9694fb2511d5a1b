/**
 * Prometheus metrics of one worker on their own small HTTP port: the asr-worker HPA scales on
 * earshot_asr_active_streams / earshot_asr_max_open_streams through the Prometheus adapter
 * (docs/deployment.md). Kept off the gRPC port so a scrape never competes with sessions.
 */
import { createServer, type Server } from 'node:http';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AsrWorkerServer } from './worker-server.ts';

export interface WorkerMetrics {
  readonly port: number;
  close(): Promise<void>;
}

export function createWorkerRegistry(worker: AsrWorkerServer, modelVersion: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ model_version: modelVersion });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'earshot_asr_active_streams',
    help: 'Recognition streams this worker is decoding now',
    registers: [registry],
    collect() {
      this.set(worker.activeStreams);
    },
  });
  new Gauge({
    name: 'earshot_asr_max_open_streams',
    help: 'Admission limit of this worker (MAX_OPEN_STREAMS)',
    registers: [registry],
    collect() {
      this.set(worker.maxOpenStreams);
    },
  });
  new Gauge({
    name: 'earshot_asr_serving',
    help: '1 while the worker takes new sessions, 0 while starting or draining',
    registers: [registry],
    collect() {
      this.set(worker.health.status === 'SERVING' ? 1 : 0);
    },
  });
  return registry;
}

export async function startWorkerMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<WorkerMetrics> {
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
