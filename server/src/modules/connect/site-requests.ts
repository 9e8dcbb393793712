import {
  checkContentHash,
  checkSignature,
  checkTimestamp,
  NONCE_TTL_SECONDS,
  parseSignatureHeaders,
  SignatureError,
} from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { accountsData } from '../accounts/data.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';
import { DISCONNECTED, type ConnectedSite, type SiteRequest } from './views.ts';

/** What a connected site asks of the server over signed requests: verification, heartbeats, key changes. */
export function createSiteRequests(deps: ConnectServiceDeps) {
  const data = connectData(deps.prisma);
  const accounts = accountsData(deps.prisma);

  return {
    /**
     * Verifies a signed request from a site in the protocol's order; the nonce is consumed before the signature is
     * checked, so even a request with a bad signature cannot be retried with the same nonce.
     */
    async verifySiteRequest(request: SiteRequest): Promise<ConnectedSite> {
      const fail = (error: unknown): never => {
        if (error instanceof SignatureError) throw new AppError(error.code, error.message);
        throw error;
      };
      try {
        const headers = parseSignatureHeaders(request.headers);
        checkTimestamp(headers.timestamp);
        checkContentHash(request.rawBody, headers.contentSha256);
        const connection = await data.findConnectionOfSite(headers.siteId);
        if (!connection || connection.status !== 'connected' || !connection.sitePublicKey) {
          throw new SignatureError('SITE_NOT_CONNECTED', 'This site is not connected: connect it again from wp-admin.');
        }
        if (connection.siteKeyId !== headers.keyId) {
          throw new SignatureError('SIGNATURE_INVALID', 'The request was signed with a key this server does not know.');
        }
        try {
          await data.createNonce({
            siteId: headers.siteId,
            nonce: headers.nonce,
            expiresAt: new Date(Date.now() + NONCE_TTL_SECONDS * 1000),
          });
        } catch (error) {
          if (isUniqueViolation(error))
            throw new SignatureError('SIGNATURE_REPLAYED', 'This request was already received once.');
          throw error;
        }
        checkSignature(
          {
            method: request.method,
            url: `http://${request.host}${request.url}`,
            body: request.rawBody,
            siteId: headers.siteId,
            siteUrl: connection.site.url,
            timestamp: headers.timestamp,
            nonce: headers.nonce,
            contentSha256: headers.contentSha256,
          },
          headers.signature,
          connection.sitePublicKey,
        );
        return connection;
      } catch (error) {
        return fail(error);
      }
    },

    async heartbeat(
      connection: ConnectedSite,
      body: { wpVersion?: string | undefined; pluginVersion?: string | undefined; phpVersion?: string | undefined },
    ) {
      await data.updateConnection(connection.siteId, {
        lastContactAt: new Date(),
        ...(body.wpVersion ? { wpVersion: body.wpVersion } : {}),
        ...(body.pluginVersion ? { pluginVersion: body.pluginVersion } : {}),
        ...(body.phpVersion ? { phpVersion: body.phpVersion } : {}),
      });
      // Expired nonces are of no use; heartbeats are frequent enough to keep the table small.
      await data.deleteExpiredNonces();
      const account = await accounts.findAccount(connection.accountId);
      return {
        siteId: connection.siteId,
        accountName: account.name,
        credits: { balance: await deps.billing.balance(account.id) },
      };
    },

    async rotateSiteKey(connection: ConnectedSite, body: { newPublicKey: string; newKeyId: string }) {
      await data.updateConnection(connection.siteId, {
        siteKeyId: body.newKeyId,
        sitePublicKey: body.newPublicKey,
        lastContactAt: new Date(),
      });
      return { siteKeyId: body.newKeyId };
    },

    async disconnectedBySite(connection: ConnectedSite) {
      await data.updateConnection(connection.siteId, {
        ...DISCONNECTED,
        disconnectedAt: new Date(),
        lastContactAt: new Date(),
      });
    },
  };
}
