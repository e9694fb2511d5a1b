import { Gauge, type Registry } from 'prom-client';
import type { LicenceSource } from '../license/source.ts';
import type { LicenceStateName } from '../license/state.ts';

const STATES: LicenceStateName[] = ['Ready', 'Connected', 'TrustBased', 'Failed'];

/**
 * Prometheus gauges for the autoscaling signal and the licence, read at scrape time:
 *   earshot_active_sessions{scope="gateway"|"cluster"}
 *   earshot_gateway_active_sessions{gateway}   (live sessions per gateway, cluster-wide view)
 *   earshot_licence_state{state}               (1 for the current state, 0 for the others)
 *   earshot_licence_max_concurrent_sessions
 */
export function registerSessionMetrics(
  registry: Registry,
  source: {
    activeSessions(): Promise<{ gateway: number; total: number; byGateway: Record<string, number> }>;
    licence: LicenceSource;
  },
): void {
  new Gauge({
    name: 'earshot_active_sessions',
    help: 'Live streaming sessions on this gateway and in the whole cluster',
    labelNames: ['scope'],
    registers: [registry],
    async collect() {
      const counts = await source.activeSessions().catch(() => null);
      if (!counts) return;
      this.set({ scope: 'gateway' }, counts.gateway);
      this.set({ scope: 'cluster' }, counts.total);
      perGateway.reset();
      for (const [gateway, n] of Object.entries(counts.byGateway)) perGateway.set({ gateway }, n);
    },
  });
  const perGateway = new Gauge({
    name: 'earshot_gateway_active_sessions',
    help: 'Live streaming sessions per gateway replica (from the shared registry)',
    labelNames: ['gateway'],
    registers: [registry],
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
