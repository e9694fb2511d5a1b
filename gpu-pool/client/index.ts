/** Public surface of the gateway side of the gateway↔worker gRPC hop. */
export * from './api.ts';
export { createGrpcAsrPool, type GrpcAsrPoolOptions } from './grpc-asr-pool.ts';
export { grpcAsrPoolOptionsFromEnv } from './pool-options-from-env.ts';
export {
  ANY_MODEL_VERSION,
  addressesFor,
  parseRoutingTable,
  routingTableFrom,
  routingTableFromEnv,
  type RoutingTable,
} from './routing-table.ts';
