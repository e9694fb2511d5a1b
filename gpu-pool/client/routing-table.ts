/**
 * Which worker addresses serve which model version (X-Model-Version label). Configured, not
 * discovered: a deployment lists its workers (or one nginx/Service address for all labels).
 *
 * Text form (ASR_ROUTES): `labels=addresses` groups separated by `;`, labels and addresses by `,`:
 *   en-default,default=asr-en-0:50051,asr-en-1:50051; ml-default=asr-ml:50051; *=asr-lb:80
 * `*` is the fallback for labels without their own entry (e.g. an nginx router that knows them).
 */

export const ANY_MODEL_VERSION = '*';

export type RoutingTable = ReadonlyMap<string, readonly string[]>;

export function parseRoutingTable(text: string): RoutingTable {
  const table = new Map<string, string[]>();
  for (const group of text.split(';').map((part) => part.trim()).filter(Boolean)) {
    const equals = group.indexOf('=');
    if (equals <= 0) throw new Error(`routing entry '${group}' must look like 'label[,label]=host:port[,host:port]'`);
    const labels = group.slice(0, equals).split(',').map((label) => label.trim()).filter(Boolean);
    const addresses = group.slice(equals + 1).split(',').map((address) => address.trim()).filter(Boolean);
    if (addresses.length === 0) throw new Error(`routing entry '${group}' lists no worker address`);
    for (const address of addresses) {
      if (!/^[^\s:]+:\d+$|^\[[0-9a-f:]+\]:\d+$|^(dns|ipv4|ipv6|unix):/i.test(address)) {
        throw new Error(`worker address '${address}' must be host:port (or a gRPC target like dns:///host:port)`);
      }
    }
    for (const label of labels) table.set(label, [...(table.get(label) ?? []), ...addresses]);
  }
  return table;
}

/** Routes from a plain object, e.g. a config file: { 'en-default': ['127.0.0.1:50051'] }. */
export function routingTableFrom(routes: Record<string, readonly string[]>): RoutingTable {
  return new Map(Object.entries(routes).map(([label, addresses]) => [label, [...addresses]]));
}

/**
 * ASR_ROUTES wins; otherwise ASR_ENDPOINT (or the seed's AAI_ASR_ENDPOINT) sends every label to
 * one router address, as the seed's streaming-api did with streaming-asr-lb:80.
 */
export function routingTableFromEnv(env: NodeJS.ProcessEnv = process.env): RoutingTable | undefined {
  if (env.ASR_ROUTES?.trim()) return parseRoutingTable(env.ASR_ROUTES);
  const endpoint = (env.ASR_ENDPOINT ?? env.AAI_ASR_ENDPOINT)?.trim().replace(/^https?:\/\//, '');
  return endpoint ? parseRoutingTable(`${ANY_MODEL_VERSION}=${endpoint}`) : undefined;
}

export function addressesFor(table: RoutingTable, modelVersion: string): readonly string[] {
  return table.get(modelVersion) ?? table.get(ANY_MODEL_VERSION) ?? [];
}
