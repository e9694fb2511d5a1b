/**
 * Opens a Recognize call on one worker and waits for its `accepted`, bounded by a deadline: a
 * worker that is missing, blackholed or stuck must turn into a clear UNAVAILABLE for the gateway,
 * never a session that hangs before Begin.
 */
import * as grpc from '@grpc/grpc-js';
import { responseKind, type WireRecognizeRequest, type WireRecognizeResponse, type WireSessionConfig } from '../proto/messages.ts';
import { MODEL_VERSION_HEADER } from '../proto/proto.ts';
import { AsrPoolError, type AsrSession } from './api.ts';
import { cancelGracefully } from './end-call.ts';
import { createGrpcSession, toAccepted, type RecognizeClientCall } from './grpc-session.ts';
import { poolErrorFromStatus } from './pool-errors.ts';

type RecognizeMethod = (metadata: grpc.Metadata, options?: grpc.CallOptions) => RecognizeClientCall;

export interface OpenTimings {
  acceptTimeoutMs: number;
  /** See end-call.ts. */
  cancelGraceMs: number;
}

/** `onCallEnded` runs once when the call's status arrives, however the call ended. */
export function openOnWorker(
  client: grpc.Client,
  address: string,
  config: WireSessionConfig,
  timings: OpenTimings,
  onCallEnded: () => void = () => {},
): Promise<AsrSession> {
  const { acceptTimeoutMs, cancelGraceMs } = timings;
  const metadata = new grpc.Metadata();
  // nginx routes on this header; the worker also checks it against what it serves.
  metadata.set(MODEL_VERSION_HEADER, config.modelVersion ?? '');
  const recognize = (client as unknown as { Recognize: RecognizeMethod }).Recognize.bind(client);
  // No waitForReady: an unreachable worker fails fast (UNAVAILABLE) so the pool can fail over.
  const call = recognize(metadata);
  call.once('status', onCallEnded);

  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      fail(new AsrPoolError('UNAVAILABLE', `worker ${address} did not accept the session within ${acceptTimeoutMs} ms`));
      cancelGracefully(call, cancelGraceMs);
    }, acceptTimeoutMs);

    function fail(error: AsrPoolError): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      // A failed call still reports its status later; swallow it rather than crash on an unheard 'error'.
      call.on('error', () => {});
      reject(error);
    }
    const onData = (response: WireRecognizeResponse) => {
      if (settled) return;
      if (responseKind(response) !== 'accepted') {
        fail(new AsrPoolError('INTERNAL', `worker ${address} sent '${responseKind(response)}' before accepting`));
        cancelGracefully(call, cancelGraceMs);
        return;
      }
      settled = true;
      clearTimeout(timer);
      cleanup();
      const { accepted } = response as Extract<WireRecognizeResponse, { accepted: unknown }>;
      resolve(createGrpcSession(call, address, cancelGraceMs, toAccepted(accepted)));
    };
    const onError = (error: grpc.ServiceError) => fail(poolErrorFromStatus(error, address));
    const onStatus = (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) fail(new AsrPoolError('INTERNAL', `worker ${address} ended the call before accepting`));
    };
    function cleanup(): void {
      call.off('data', onData);
      call.off('error', onError);
      call.off('status', onStatus);
    }
    call.on('data', onData);
    call.on('error', onError);
    call.on('status', onStatus);
    const first: WireRecognizeRequest = { config };
    call.write(first);
  });
}
