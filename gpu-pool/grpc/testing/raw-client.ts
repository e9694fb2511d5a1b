/** Plain grpc-js clients for loopback tests: a Recognize call without the pool, and a health Check. */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import type { WireRecognizeRequest, WireRecognizeResponse } from '../messages.ts';
import { MODEL_VERSION_HEADER, loadStreamingRecognizer } from '../proto.ts';

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

export function healthCheck(address: string, serviceName = ''): Promise<string> {
  const Health = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
  const client = new Health(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) =>
    (client as unknown as { Check(request: object, callback: (error: Error | null, response?: { status: string }) => void): void }).Check(
      { service: serviceName },
      (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(String(response?.status));
      },
    ),
  );
}
