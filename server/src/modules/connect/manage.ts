import { generateKeyPair } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { SiteConnection } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { sitesData } from '../sites/data.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';
import { connectionView, DISCONNECTED, endpointOf, requireConnected, type ConnectedSite } from './views.ts';

/** A member's view and control of a site's connection: status, disconnecting, server keys, health checks. */
export function createConnectionManagement(deps: ConnectServiceDeps) {
  const { siteClient } = deps;
  const data = connectData(deps.prisma);
  const sites = sitesData(deps.prisma);

  async function findConnection(auth: AuthContext, siteId: string): Promise<ConnectedSite> {
    const connection = await data.findConnection(auth.accountId, siteId);
    if (!connection) {
      if (!(await sites.siteExists(auth.accountId, siteId))) throw errors.notFound('Site', siteId);
      throw new AppError('NOT_FOUND', `Site ${siteId} has never been connected to WordPress.`);
    }
    return connection;
  }

  return {
    async get(auth: AuthContext, siteId: string) {
      return connectionView(await findConnection(auth, siteId));
    },

    /** Disconnect from the server side: tell the site (best effort), then forget the keys whatever it answered. */
    async disconnect(auth: AuthContext, siteId: string) {
      const connection = requireConnected(await findConnection(auth, siteId));
      let siteNotified = false;
      try {
        const res = await siteClient.signed(endpointOf(connection), 'POST', 'igny8/v1/disconnect', {});
        siteNotified = res.status === 200;
      } catch {
        siteNotified = false;
      }
      const updated = await data.updateConnection(siteId, { ...DISCONNECTED, disconnectedAt: new Date() });
      return { connection: connectionView(updated), siteNotified };
    },

    /** New server key for the site: announced with the old key, stored only once the site accepted it. */
    async rotateServerKey(auth: AuthContext, siteId: string) {
      const connection = requireConnected(await findConnection(auth, siteId));
      const next = generateKeyPair();
      const res = await siteClient.signed(endpointOf(connection), 'POST', 'igny8/v1/rotate-server-key', {
        newPublicKey: next.publicKey,
        newKeyId: next.keyId,
      });
      if (res.status !== 200) {
        throw new AppError(
          'SITE_UNREACHABLE',
          `The site refused the new key (HTTP ${res.status}); the old key stays in use.`,
        );
      }
      const updated = await data.updateConnection(siteId, {
        serverKeyId: next.keyId,
        serverPublicKey: next.publicKey,
        serverPrivateKeyEnc: deps.box.encrypt(next.privateKey),
        lastContactAt: new Date(),
      });
      return connectionView(updated);
    },

    /** Asks the site for its status and records versions and health. Used by the site health job (connect.site_health). */
    async checkHealth(accountId: string, siteId: string) {
      const connection = await data.findConnection(accountId, siteId);
      if (!connection || connection.status !== 'connected') {
        throw new AppError('SITE_NOT_CONNECTED', `Site ${siteId} is not connected.`);
      }
      let update: Partial<SiteConnection>;
      try {
        const res = await siteClient.signed<{ wpVersion?: string; pluginVersion?: string; phpVersion?: string }>(
          endpointOf(connection),
          'GET',
          'igny8/v1/status',
        );
        update =
          res.status === 200
            ? {
                health: 'ok',
                healthDetail: null,
                lastContactAt: new Date(),
                wpVersion: res.data?.wpVersion ?? connection.wpVersion,
                pluginVersion: res.data?.pluginVersion ?? connection.pluginVersion,
                phpVersion: res.data?.phpVersion ?? connection.phpVersion,
              }
            : { health: 'error', healthDetail: `The site answered HTTP ${res.status} to a signed status request.` };
      } catch (error) {
        update = { health: 'unreachable', healthDetail: (error as Error).message };
      }
      const updated = await data.updateConnection(siteId, { ...update, healthCheckedAt: new Date() });
      return connectionView(updated);
    },
  };
}
