import type { TSiteConnection } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { Site, SiteConnection } from '../../generated/prisma/client.ts';
import { iso } from '../../lib/serialize.ts';
import type { SiteEndpoint } from './site-client.ts';

export const CONNECTION_KEY_PREFIX = 'igny8ck_';

/** A request from a site, as the verifier needs it. */
export interface SiteRequest {
  method: string;
  host: string;
  /** Path and query exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export type ConnectedSite = SiteConnection & { site: Site };

export function connectionView(c: SiteConnection): TSiteConnection {
  return {
    status: c.status,
    restUrl: c.restUrl,
    wpVersion: c.wpVersion,
    pluginVersion: c.pluginVersion,
    phpVersion: c.phpVersion,
    health: c.health,
    healthDetail: c.healthDetail,
    healthCheckedAt: iso(c.healthCheckedAt),
    lastContactAt: iso(c.lastContactAt),
    connectedAt: iso(c.connectedAt),
    disconnectedAt: iso(c.disconnectedAt),
    siteKeyId: c.siteKeyId,
    serverKeyId: c.serverKeyId,
    publisherUsername: c.publisherUsername,
  };
}

export function endpointOf(c: ConnectedSite): SiteEndpoint {
  return {
    siteId: c.siteId,
    siteUrl: c.site.url,
    restUrl: c.restUrl,
    serverKeyId: c.serverKeyId,
    serverPrivateKeyEnc: c.serverPrivateKeyEnc,
    publisherUsername: c.publisherUsername,
    publisherPasswordEnc: c.publisherPasswordEnc,
  };
}

export function requireConnected(connection: ConnectedSite): ConnectedSite {
  if (connection.status !== 'connected') {
    throw new AppError(
      'SITE_NOT_CONNECTED',
      `Site ${connection.siteId} is disconnected: connect it again from wp-admin.`,
    );
  }
  return connection;
}

/** What a connection keeps once it is disconnected: no keys, no publishing password. */
export const DISCONNECTED = {
  status: 'disconnected' as const,
  siteKeyId: null,
  sitePublicKey: null,
  serverKeyId: null,
  serverPublicKey: null,
  serverPrivateKeyEnc: null,
  publisherPasswordEnc: null,
};
