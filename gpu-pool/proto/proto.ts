/**
 * Loads the one .proto that is the gateway↔worker contract (gpu-pool/proto/earshot/asr/v1/asr.proto)
 * at run time, so server and client stay thin layers over the same definitions and no generated
 * code can drift from the contract.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const ASR_PROTO_PATH = fileURLToPath(new URL('./earshot/asr/v1/asr.proto', import.meta.url));

/** Fully qualified service name: also the key the worker reports in grpc.health.v1. */
export const ASR_SERVICE_NAME = 'earshot.asr.v1.StreamingRecognizer';

/** Metadata header the gateway sets and nginx routes on. */
export const MODEL_VERSION_HEADER = 'x-model-version';

// camelCase fields, enums as their names, oneofs as a virtual discriminator field,
// unset fields left undefined so `optional` turn-detection knobs mean "keep current".
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
};

let cached: grpc.ServiceClientConstructor | undefined;

/** The StreamingRecognizer service constructor (its `.service` is the server-side definition). */
export function loadStreamingRecognizer(): grpc.ServiceClientConstructor {
  if (!cached) {
    const definition = protoLoader.loadSync(ASR_PROTO_PATH, LOADER_OPTIONS);
    const root = grpc.loadPackageDefinition(definition) as unknown as {
      earshot: { asr: { v1: { StreamingRecognizer: grpc.ServiceClientConstructor } } };
    };
    cached = root.earshot.asr.v1.StreamingRecognizer;
  }
  return cached;
}
