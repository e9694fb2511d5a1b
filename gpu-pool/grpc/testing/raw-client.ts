/** Plain grpc-js clients for loopback tests: a Recognize call without the pool, and a health Check. */
import * as grpc from '@grpc/grpc-js';
import { checkHealth } from '../health-probe.ts';
import type { WireRecognizeRequest, WireRecognizeResponse } from '../../proto/messages.ts';
import { MODEL_VERSION_HEADER, loadStreamingRecognizer } from '../../proto/proto.ts';

export type RawCall = grpc.ClientDuplexStream<WireRecognizeRequest, WireRecognizeResponse>;

export interface CallOutcome {
  responses: WireRecognizeResponse[];
  status: grpc.StatusObject;
}

export function recognizerClient(address: string): grpc.Client {
  const Recognizer = loadStreamingRecognizer();
  return new Recognizer(address, grpc.credentials.createInsecure());
}

export function openRawCall(client: grpc.Client, modelVersion = ''): RawCall {
  const metadata = new grpc.Metadata();
  if (modelVersion) metadata.set(MODEL_VERSION_HEADER, modelVersion);
  return (client as unknown as { Recognize(metadata: grpc.Metadata): RawCall }).Recognize(metadata);
}

/** Collects every response until the call's status arrives. */
export function outcomeOf(call: RawCall): Promise<CallOutcome> {
  const responses: WireRecognizeResponse[] = [];
  call.on('data', (response: WireRecognizeResponse) => responses.push(response));
  call.on('error', () => {}); // the status below carries the same information
  return new Promise((resolve) => call.on('status', (status: grpc.StatusObject) => resolve({ responses, status })));
}

/** Resolves with the first response (normally `accepted`). */
export function firstResponse(call: RawCall): Promise<WireRecognizeResponse> {
  return new Promise((resolve, reject) => {
    call.once('data', resolve);
    call.once('error', reject);
  });
}

/** grpc.health.v1 Check through the same code the compose healthcheck runs. */
export const healthCheck = (address: string, serviceName = ''): Promise<string> => checkHealth(address, serviceName);
