import { Gauge, type Registry } from 'prom-client';
import type { LicenceSource } from '../license/source.ts';
import type { LicenceStateName } from '../license/state.ts';

const STATES: LicenceStateName[] = ['Ready', 'Connected', 'TrustBased', 'Failed'];

/**
 * Prometheus gauges of the business layer, read at scrape time. Names do not overlap the
 * gateway's own (runtime/metrics.ts: earshot_active_sessions, earshot_cluster_sessions, which
 * read lifecycle.activeSessions() themselves), so both can share one registry:
 *   earshot_registry_sessions_by_gateway{gateway}  live sessions per gateway replica (shared registry's view)
 *   earshot_licence_state{state}                   1 for the current state, 0 for the others
 *   earshot_licence_max_concurrent_sessions        cluster-wide limit (0 when the licence failed)
 */
export function registerSessionMetrics(
  registry: Registry,
  source: {
    activeSessions(): Promise<{ gateway: number; total: number; byGateway: Record<string, number> }>;
    licence: LicenceSource;
  },
): void {
  new Gauge({
    name: 'earshot_registry_sessions_by_gateway',
    help: 'Live streaming sessions per gateway replica, from the shared session registry',
    labelNames: ['gateway'],
    registers: [registry],
    async collect() {
      const counts = await source.activeSessions().catch(() => null);
      if (!counts) return;
      this.reset();
      for (const [gateway, n] of Object.entries(counts.byGateway)) this.set({ gateway }, n);
    },
  });
  new Gauge({
    name: 'earshot_licence_state',
    help: 'Licence state (1 = current)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = source.licence.current().state;
      for (const state of STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'earshot_licence_max_concurrent_sessions',
    help: 'Cluster-wide concurrent session limit from the licence (0 when the licence failed)',
    registers: [registry],
    collect() {
      this.set(source.licence.current().terms?.maxConcurrentSessions ?? 0);
    },
  });
}
