import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import type { OutboundOptions } from '../../lib/outbound.ts';
import type { BillingService } from '../billing/service.ts';
import { createGrants } from './grants.ts';
import { createHandshake } from './handshake.ts';
import { createConnectionKeys } from './keys.ts';
import { createConnectionManagement } from './manage.ts';
import type { SiteClient } from './site-client.ts';
import { createSiteRequests } from './site-requests.ts';
import { createWordPressCalls } from './wordpress.ts';

export { CONNECTION_KEY_PREFIX, connectionView, endpointOf, type ConnectedSite, type SiteRequest } from './views.ts';

export interface ConnectServiceDeps {
  prisma: PrismaClient;
  box: SecretBox;
  siteClient: SiteClient;
  outbound: OutboundOptions;
  connectionKeyTtlMinutes: number;
  billing: BillingService;
  /** The base URL sites should use to reach this server. */
  serverUrl: string;
}

/**
 * The connection between the server and WordPress sites: the handshake (handshake.ts) and the grants of the
 * one-click connect that start it (grants.ts), the site's signed requests
 * (site-requests.ts), a member's control of the connection (manage.ts) and calls to WordPress (wordpress.ts).
 */
export function createConnectService(deps: ConnectServiceDeps) {
  return {
    ...createHandshake(deps),
    ...createConnectionKeys(deps),
    ...createGrants(deps),
    ...createSiteRequests(deps),
    ...createConnectionManagement(deps),
    ...createWordPressCalls(deps),
  };
}

export type ConnectService = ReturnType<typeof createConnectService>;
