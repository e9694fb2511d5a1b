/**
 * A grpc_health_probe stand-in for images without that binary (compose healthchecks):
 *   node --import tsx gpu-pool/grpc/health-probe.ts [host:port] [service]
 * Exits 0 when the worker answers SERVING, 1 otherwise (NOT_SERVING while starting or draining,
 * unreachable, or no answer within 2 s). Kubernetes uses its built-in gRPC probe instead.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export function checkHealth(address: string, serviceName = '', timeoutMs = 2_000): Promise<string> {
  const Health = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
  const client = new Health(address, grpc.credentials.createInsecure());
  type Check = (request: object, options: grpc.CallOptions, callback: (error: Error | null, response?: { status: unknown }) => void) => void;
  return new Promise((settle, reject) =>
    (client as unknown as { Check: Check }).Check({ service: serviceName }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      if (error) reject(error);
      else settle(String(response?.status));
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const address = (process.argv[2] ?? `127.0.0.1:${process.env.SERVER_PORT ?? 50051}`).replace(/^:/, '127.0.0.1:');
  checkHealth(address, process.argv[3] ?? '').then(
    (status) => {
      console.log(`${address}: ${status}`);
      process.exit(status === 'SERVING' ? 0 : 1);
    },
    (error: Error) => {
      console.error(`${address}: ${error.message}`);
      process.exit(1);
    },
  );
}
