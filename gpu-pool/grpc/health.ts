/**
 * The standard grpc.health.v1 service (grpc-health-check), so grpc_health_probe, Kubernetes gRPC
 * probes and load balancers can ask a worker whether it takes sessions. Reports both the whole
 * server ('') and the recognizer service by name; both flip together.
 */
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { ASR_SERVICE_NAME } from '../proto/proto.ts';

export interface WorkerHealth {
  readonly status: ServingStatus;
  setServing(): void;
  setNotServing(): void;
}

export function addHealthService(server: grpc.Server): WorkerHealth {
  // NOT_SERVING until the engine is loaded and the port is bound: a probe must not route
  // sessions to a worker that is still warming up.
  let status: ServingStatus = 'NOT_SERVING';
  const implementation = new HealthImplementation({ '': status, [ASR_SERVICE_NAME]: status });
  implementation.addToServer(server);
  const set = (next: ServingStatus) => {
    status = next;
    implementation.setStatus('', next);
    implementation.setStatus(ASR_SERVICE_NAME, next);
  };
  return {
    get status() {
      return status;
    },
    setServing: () => set('SERVING'),
    setNotServing: () => set('NOT_SERVING'),
  };
}
