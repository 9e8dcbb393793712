import { timingSafeEqual } from 'node:crypto';
import {
  generateKeyPair,
  normalizeSiteUrl,
  type TConnectRegisterBody,
  type TConnectRegisterResult,
} from '@igny8/shared';
import { z } from 'zod';
import { withTransactions } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { randomToken, sha256 } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { sitesData } from '../sites/data.ts';
import { checkSiteUrl } from '../sites/url-check.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';
import { CONNECTION_KEY_PREFIX } from './views.ts';

const ZLanguage = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/);

function validTimezone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** Connecting a site: the key a member creates, and the handshake the site's plugin starts with it. */
export function createHandshake(deps: ConnectServiceDeps) {
  const data = withTransactions(deps.prisma, connectData);

  return {
    async createConnectionKey(auth: AuthContext) {
      const key = CONNECTION_KEY_PREFIX + randomToken(32);
      const expiresAt = new Date(Date.now() + deps.connectionKeyTtlMinutes * 60_000);
      await data.createConnectionKey({
        accountId: auth.accountId,
        createdById: auth.userId,
        keyHash: sha256(key),
        expiresAt,
      });
      return { key, expiresAt: iso(expiresAt) };
    },

    /** The handshake, server side (docs/connection-protocol.md, steps 3-5). */
    async register(body: TConnectRegisterBody): Promise<TConnectRegisterResult> {
      const siteUrl = normalizeSiteUrl(body.siteUrl);
      const rest = new URL(body.restUrl);
      if (rest.origin !== new URL(siteUrl).origin) {
        throw new AppError(
          'SITE_URL_MISMATCH',
          `The REST URL must be on the site's own address (${new URL(siteUrl).origin}).`,
          {
            field: 'restUrl',
          },
        );
      }
      const restUrl = body.restUrl.endsWith('/') ? body.restUrl : `${body.restUrl}/`;
      await checkSiteUrl(restUrl, deps.outbound, { field: 'siteUrl', allowUnresolved: false });
      const invalidKey = new AppError(
        'CONNECTION_KEY_INVALID',
        'The connection key is not valid: it may have expired or been used. Create a new one in your IGNY8 account.',
      );
      const key = await data.findConnectionKey(sha256(body.connectionKey));
      if (!key || key.usedAt || key.expiresAt.getTime() <= Date.now()) throw invalidKey;
      if (key.account.status === 'suspended') {
        throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended. Contact the service operator.');
      }

      // Prove the site at that URL started this: it must answer secret1 with the secret2 whose hash it sent us.
      const verified = await deps.siteClient.verify(siteUrl, restUrl, body.secret1);
      const secret2 = verified.data.secret2;
      const proven =
        verified.status === 200 &&
        typeof secret2 === 'string' &&
        timingSafeEqual(Buffer.from(sha256(secret2)), Buffer.from(body.secret2Hash));
      if (!proven) {
        throw new AppError(
          'SITE_VERIFICATION_FAILED',
          `The site at ${siteUrl} did not confirm the connection (HTTP ${verified.status}). Make sure the address is ` +
            'the site where you pressed Connect, and try again.',
        );
      }

      const serverKey = generateKeyPair();
      const language = ZLanguage.safeParse(body.language).success ? body.language : 'en';
      const site = await data.transaction(async (inTx, tx) => {
        const count = await inTx.consumeConnectionKey(key.id);
        if (count === 0) throw invalidKey;
        const sites = sitesData(tx);
        const site =
          (await sites.findSiteByUrl(key.accountId, siteUrl)) ??
          (await sites.createSite({
            accountId: key.accountId,
            name: body.name,
            url: siteUrl,
            language,
            timezone: validTimezone(body.timezone),
          }));
        const connection = {
          accountId: key.accountId,
          status: 'connected' as const,
          restUrl,
          siteKeyId: body.siteKeyId,
          sitePublicKey: body.sitePublicKey,
          serverKeyId: serverKey.keyId,
          serverPublicKey: serverKey.publicKey,
          serverPrivateKeyEnc: deps.box.encrypt(serverKey.privateKey),
          publisherUsername: body.publisher.username,
          publisherPasswordEnc: deps.box.encrypt(body.publisher.applicationPassword),
          wpVersion: body.wpVersion,
          pluginVersion: body.pluginVersion,
          health: 'ok' as const,
          healthCheckedAt: new Date(),
          lastContactAt: new Date(),
          connectedAt: new Date(),
          disconnectedAt: null,
        };
        await inTx.upsertConnection(site.id, connection);
        await inTx.linkConnectionKey(key.id, site.id);
        return site;
      });
      return {
        siteId: site.id,
        accountId: key.accountId,
        accountName: key.account.name,
        serverPublicKey: serverKey.publicKey,
        serverKeyId: serverKey.keyId,
        serverUrl: deps.serverUrl,
      };
    },
  };
}
