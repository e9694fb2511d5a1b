export { createReferenceLicenceServer, type ReferenceLicenceServer } from './licence-server.ts';
export { createReferenceUsageTracker, type ReferenceUsageTracker } from './usage-tracker.ts';
