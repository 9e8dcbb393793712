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
import { randomToken, safeEqualHex, sha256 } from '../../lib/secrets.ts';
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

/**
 * Connecting a site: the key a member creates, and the handshake the site's plugin starts with it or with a
 * connection grant (grants.ts).
 */
export function createHandshake(deps: ConnectServiceDeps) {
  const data = withTransactions(deps.prisma, connectData);

  /**
   * The key or grant a handshake presents, checked before the site is called back. A grant must come with the
   * state it was issued for and from the site it is bound to; a manual key is never bound (so a grant cannot be
   * passed off as a key to skip its state). Either is consumed only once the site proved itself.
   */
  async function findCredential(body: TConnectRegisterBody, siteUrl: string) {
    if (body.grant === undefined) {
      const invalid = new AppError(
        'CONNECTION_KEY_INVALID',
        'The connection key is not valid: it may have expired or been used. Create a new one in your IGNY8 account.',
      );
      const key = await data.findConnectionKey(sha256(body.connectionKey ?? ''));
      if (!key || key.boundSiteUrl !== null || key.usedAt || key.expiresAt.getTime() <= Date.now()) throw invalid;
      return { key, invalid };
    }
    const invalid = new AppError(
      'CONNECTION_GRANT_INVALID',
      'This connection approval has expired (after 10 minutes) or was already used. Press "Connect to IGNY8" in ' +
        'IGNY8 > Connection in wp-admin again.',
    );
    const key = await data.findConnectionKey(sha256(body.grant));
    if (!key || key.boundSiteUrl === null || key.usedAt || key.expiresAt.getTime() <= Date.now()) throw invalid;
    if (!key.stateHash || !safeEqualHex(sha256(body.state ?? ''), key.stateHash)) {
      throw new AppError(
        'CONNECT_STATE_MISMATCH',
        'This connection approval was made for another connection attempt (its state does not match). Press ' +
          '"Connect to IGNY8" in IGNY8 > Connection in wp-admin again.',
        { field: 'state' },
      );
    }
    if (key.boundSiteUrl !== siteUrl) {
      throw new AppError(
        'CONNECTION_GRANT_WRONG_SITE',
        `This connection approval is for ${key.boundSiteUrl}, not ${siteUrl}. Press "Connect to IGNY8" in the ` +
          'wp-admin of the site you want to connect.',
        { field: 'siteUrl' },
      );
    }
    return { key, invalid };
  }

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
      const { key, invalid: invalidKey } = await findCredential(body, siteUrl);
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
        // The sector picked when approving Connect to IGNY8 (a site connected again keeps the ones it has).
        if (key.sectorName) {
          const sectorName = key.sectorName;
          const sectors = await sites.listSectors(key.accountId, site.id);
          if (!sectors.some((s) => s.name.toLowerCase() === sectorName.toLowerCase())) {
            await sites.createSector({
              accountId: key.accountId,
              siteId: site.id,
              name: sectorName,
              language: key.sectorLanguage,
            });
          }
        }
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
