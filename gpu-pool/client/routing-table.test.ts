import { describe, expect, it } from 'vitest';
import { addressesFor, parseRoutingTable, routingTableFromEnv } from './routing-table.ts';

describe('routing table', () => {
  it('parses labels to worker address lists, with a wildcard fallback', () => {
    const table = parseRoutingTable('en-default,default=a:50051, b:50051; ml-default=c:50051; *=lb:80');
    expect(addressesFor(table, 'en-default')).toEqual(['a:50051', 'b:50051']);
    expect(addressesFor(table, 'default')).toEqual(['a:50051', 'b:50051']);
    expect(addressesFor(table, 'ml-default')).toEqual(['c:50051']);
    expect(addressesFor(table, 'u3-pro')).toEqual(['lb:80']);
  });

  it('has no address for an unlisted label without a wildcard', () => {
    expect(addressesFor(parseRoutingTable('en-default=a:1'), 'u3-pro')).toEqual([]);
  });

  it('rejects entries without addresses or with malformed ones', () => {
    expect(() => parseRoutingTable('en-default=')).toThrow(/no worker address/);
    expect(() => parseRoutingTable('en-default')).toThrow(/label/);
    expect(() => parseRoutingTable('en-default=http://a')).toThrow(/host:port/);
  });

  it('reads ASR_ROUTES, else the seed-style single endpoint for every label', () => {
    expect(addressesFor(routingTableFromEnv({ ASR_ROUTES: 'en-default=a:1' })!, 'en-default')).toEqual(['a:1']);
    expect(addressesFor(routingTableFromEnv({ AAI_ASR_ENDPOINT: 'streaming-asr-lb:80' })!, 'ml-default')).toEqual(['streaming-asr-lb:80']);
    expect(routingTableFromEnv({})).toBeUndefined();
  });
});

describe('pool options from the environment', async () => {
  const { grpcAsrPoolOptionsFromEnv } = await import('./pool-options-from-env.ts');
  it('reads routes, deadline, tries and TLS; nothing without routes', () => {
    const { options, problems } = grpcAsrPoolOptionsFromEnv({
      AAI_ASR_ENDPOINT: 'streaming-asr-lb:80',
      ASR_ACCEPT_TIMEOUT_MS: '1500',
      AAI_USE_SECURE_CHANNEL_TO_ASR_SERVICE: 'True',
    });
    expect(problems).toEqual([]);
    expect(options).toMatchObject({ acceptTimeoutMs: 1500, secure: true });
    expect(addressesFor(options!.routes, 'en-default')).toEqual(['streaming-asr-lb:80']);
    expect(grpcAsrPoolOptionsFromEnv({})).toEqual({ options: undefined, problems: [] });
  });

  it('lists every bad variable, not just the first', () => {
    const { problems } = grpcAsrPoolOptionsFromEnv({ ASR_ROUTES: 'en-default', ASR_ACCEPT_TIMEOUT_MS: 'soon', ASR_ATTEMPTS_PER_SESSION: '0', ASR_SECURE_CHANNEL: 'perhaps' });
    expect(problems).toEqual([
      expect.stringMatching(/^ASR_ROUTES: routing entry 'en-default' must look like/),
      "ASR_SECURE_CHANNEL must be true or false, got 'perhaps'",
      "ASR_ACCEPT_TIMEOUT_MS must be a positive integer, got 'soon'",
      "ASR_ATTEMPTS_PER_SESSION must be a positive integer, got '0'",
    ]);
  });
});
