/**
 * Cancels a Recognize call without resetting its HTTP/2 stream: `cancel`, a half-close, and the
 * worker ends the call (CANCELLED). Resets from a gateway that churns sessions would make the
 * worker's HTTP/2 rapid-reset guard end the whole connection, every live session on it included
 * (gpu-pool/grpc/channel-settings.ts, rule 3). A worker that has not ended the call within
 * `graceMs` (gone, black-holed) gets the reset after all.
 */
import type * as grpc from '@grpc/grpc-js';
import type { WireRecognizeRequest, WireRecognizeResponse } from '../proto/messages.ts';

type Call = grpc.ClientDuplexStream<WireRecognizeRequest, WireRecognizeResponse>;

export function cancelGracefully(call: Call, graceMs: number): void {
  let ended = false;
  call.on('error', () => {}); // the CANCELLED status is expected; nobody is listening any more
  call.once('status', () => {
    ended = true;
    clearTimeout(fallback);
  });
  const fallback = setTimeout(() => {
    if (!ended) call.cancel();
  }, graceMs);
  fallback.unref();
  if (call.writable) {
    call.write({ cancel: {} });
    call.end();
  } else {
    // Already half-closed (finish was sent): nothing more can be said on the stream.
    call.cancel();
  }
}
