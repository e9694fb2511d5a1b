/** Public surface of the worker side of the gateway↔worker gRPC hop. */
export { startAsrWorkerServer, type AsrWorkerServer, type AsrWorkerServerOptions } from './worker-server.ts';
export { ASR_PROTO_PATH, ASR_SERVICE_NAME, MODEL_VERSION_HEADER, loadStreamingRecognizer } from '../proto/proto.ts';
export { createAdmission, type Admission } from './admission.ts';
