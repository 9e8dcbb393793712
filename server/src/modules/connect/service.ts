import { timingSafeEqual } from 'node:crypto';
import {
  checkContentHash,
  checkSignature,
  checkTimestamp,
  generateKeyPair,
  NONCE_TTL_SECONDS,
  normalizeSiteUrl,
  parseSignatureHeaders,
  SignatureError,
  type TConnectRegisterBody,
  type TConnectRegisterResult,
  type TSiteConnection,
} from '@igny8/shared';
import { z } from 'zod';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient, Site, SiteConnection } from '../../generated/prisma/client.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import type { OutboundOptions } from '../../lib/outbound.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { randomToken, sha256 } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { checkSiteUrl } from '../sites/url-check.ts';
import type { BillingService } from '../billing/service.ts';
import type { SiteClient, SiteEndpoint } from './site-client.ts';

export const CONNECTION_KEY_PREFIX = 'igny8ck_';

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

const ZLanguage = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/);

function validTimezone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

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

const DISCONNECTED = {
  status: 'disconnected' as const,
  siteKeyId: null,
  sitePublicKey: null,
  serverKeyId: null,
  serverPublicKey: null,
  serverPrivateKeyEnc: null,
  publisherPasswordEnc: null,
};

export function createConnectService(deps: ConnectServiceDeps) {
  const { prisma, box, siteClient } = deps;

  async function findConnection(auth: AuthContext, siteId: string): Promise<ConnectedSite> {
    const connection = await prisma.siteConnection.findFirst({
      where: { siteId, accountId: auth.accountId },
      include: { site: true },
    });
    if (!connection) {
      const site = await prisma.site.findFirst({ where: { id: siteId, accountId: auth.accountId } });
      if (!site) throw errors.notFound('Site', siteId);
      throw new AppError('NOT_FOUND', `Site ${siteId} has never been connected to WordPress.`);
    }
    return connection;
  }

  function requireConnected(connection: ConnectedSite): ConnectedSite {
    if (connection.status !== 'connected') {
      throw new AppError(
        'SITE_NOT_CONNECTED',
        `Site ${connection.siteId} is disconnected: connect it again from wp-admin.`,
      );
    }
    return connection;
  }

  return {
    async createConnectionKey(auth: AuthContext) {
      const key = CONNECTION_KEY_PREFIX + randomToken(32);
      const expiresAt = new Date(Date.now() + deps.connectionKeyTtlMinutes * 60_000);
      await prisma.connectionKey.create({
        data: { accountId: auth.accountId, createdById: auth.userId, keyHash: sha256(key), expiresAt },
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
      const key = await prisma.connectionKey.findUnique({
        where: { keyHash: sha256(body.connectionKey) },
        include: { account: true },
      });
      if (!key || key.usedAt || key.expiresAt.getTime() <= Date.now()) throw invalidKey;
      if (key.account.status === 'suspended') {
        throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended. Contact the service operator.');
      }

      // Prove the site at that URL started this: it must answer secret1 with the secret2 whose hash it sent us.
      const verified = await siteClient.verify(siteUrl, restUrl, body.secret1);
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
      const site = await prisma.$transaction(async (tx) => {
        const { count } = await tx.connectionKey.updateMany({
          where: { id: key.id, usedAt: null },
          data: { usedAt: new Date() },
        });
        if (count === 0) throw invalidKey;
        const site =
          (await tx.site.findFirst({ where: { accountId: key.accountId, url: siteUrl } })) ??
          (await tx.site.create({
            data: {
              accountId: key.accountId,
              name: body.name,
              url: siteUrl,
              language,
              timezone: validTimezone(body.timezone),
            },
          }));
        const connection = {
          accountId: key.accountId,
          status: 'connected' as const,
          restUrl,
          siteKeyId: body.siteKeyId,
          sitePublicKey: body.sitePublicKey,
          serverKeyId: serverKey.keyId,
          serverPublicKey: serverKey.publicKey,
          serverPrivateKeyEnc: box.encrypt(serverKey.privateKey),
          publisherUsername: body.publisher.username,
          publisherPasswordEnc: box.encrypt(body.publisher.applicationPassword),
          wpVersion: body.wpVersion,
          pluginVersion: body.pluginVersion,
          health: 'ok' as const,
          healthCheckedAt: new Date(),
          lastContactAt: new Date(),
          connectedAt: new Date(),
          disconnectedAt: null,
        };
        await tx.siteConnection.upsert({
          where: { siteId: site.id },
          create: { siteId: site.id, ...connection },
          update: connection,
        });
        await tx.connectionKey.update({ where: { id: key.id }, data: { siteId: site.id } });
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
        const connection = await prisma.siteConnection.findUnique({
          where: { siteId: headers.siteId },
          include: { site: true },
        });
        if (!connection || connection.status !== 'connected' || !connection.sitePublicKey) {
          throw new SignatureError('SITE_NOT_CONNECTED', 'This site is not connected: connect it again from wp-admin.');
        }
        if (connection.siteKeyId !== headers.keyId) {
          throw new SignatureError('SIGNATURE_INVALID', 'The request was signed with a key this server does not know.');
        }
        try {
          await prisma.connectionNonce.create({
            data: {
              siteId: headers.siteId,
              nonce: headers.nonce,
              expiresAt: new Date(Date.now() + NONCE_TTL_SECONDS * 1000),
            },
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
      await prisma.siteConnection.update({
        where: { siteId: connection.siteId },
        data: {
          lastContactAt: new Date(),
          ...(body.wpVersion ? { wpVersion: body.wpVersion } : {}),
          ...(body.pluginVersion ? { pluginVersion: body.pluginVersion } : {}),
          ...(body.phpVersion ? { phpVersion: body.phpVersion } : {}),
        },
      });
      // Expired nonces are of no use; heartbeats are frequent enough to keep the table small.
      await prisma.connectionNonce.deleteMany({ where: { expiresAt: { lt: new Date() } } });
      const account = await prisma.account.findUniqueOrThrow({ where: { id: connection.accountId } });
      return {
        siteId: connection.siteId,
        accountName: account.name,
        credits: { balance: await deps.billing.balance(account.id) },
      };
    },

    async rotateSiteKey(connection: ConnectedSite, body: { newPublicKey: string; newKeyId: string }) {
      await prisma.siteConnection.update({
        where: { siteId: connection.siteId },
        data: { siteKeyId: body.newKeyId, sitePublicKey: body.newPublicKey, lastContactAt: new Date() },
      });
      return { siteKeyId: body.newKeyId };
    },

    async disconnectedBySite(connection: ConnectedSite) {
      await prisma.siteConnection.update({
        where: { siteId: connection.siteId },
        data: { ...DISCONNECTED, disconnectedAt: new Date(), lastContactAt: new Date() },
      });
    },

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
      const updated = await prisma.siteConnection.update({
        where: { siteId },
        data: { ...DISCONNECTED, disconnectedAt: new Date() },
      });
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
      const updated = await prisma.siteConnection.update({
        where: { siteId },
        data: {
          serverKeyId: next.keyId,
          serverPublicKey: next.publicKey,
          serverPrivateKeyEnc: box.encrypt(next.privateKey),
          lastContactAt: new Date(),
        },
      });
      return connectionView(updated);
    },

    /** Asks the site for its status and records versions and health. Used by the health-check job. */
    async checkHealth(accountId: string, siteId: string) {
      const connection = await prisma.siteConnection.findFirst({
        where: { siteId, accountId },
        include: { site: true },
      });
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
      const updated = await prisma.siteConnection.update({
        where: { siteId },
        data: { ...update, healthCheckedAt: new Date() },
      });
      return connectionView(updated);
    },

    /** A draft post created through WordPress's REST API as the publishing user (the Publisher builds on this). */
    async createDraftPost(accountId: string, siteId: string, post: { title: string; content: string }) {
      const connection = await prisma.siteConnection.findFirst({
        where: { siteId, accountId },
        include: { site: true },
      });
      if (!connection) throw errors.notFound('Site', siteId);
      const res = await siteClient.asPublisher<{ id?: number; link?: string; status?: string; message?: string }>(
        endpointOf(requireConnected(connection)),
        'POST',
        'wp/v2/posts',
        { title: post.title, content: post.content, status: 'draft' },
      );
      if (res.status !== 201 || typeof res.data?.id !== 'number') {
        throw new AppError(
          'SITE_UNREACHABLE',
          `WordPress refused the draft (HTTP ${res.status})${res.data?.message ? `: ${res.data.message}` : ''}.`,
        );
      }
      return { postId: res.data.id, link: res.data.link ?? null, status: res.data.status ?? 'draft' };
    },

    /**
     * One page (100 per page) of the site's published posts or pages through WordPress's REST API as the publishing
     * user; `totalPages` is WordPress's X-WP-TotalPages. The planner syncs titles and slugs with it.
     */
    async listPostsPage(accountId: string, siteId: string, type: 'posts' | 'pages', page: number) {
      const connection = await prisma.siteConnection.findFirst({
        where: { siteId, accountId },
        include: { site: true },
      });
      if (!connection) throw errors.notFound('Site', siteId);
      // With plain permalinks the REST base is "/?rest_route=/": the query then continues with "&".
      const q = connection.restUrl.includes('?') ? '&' : '?';
      const res = await siteClient.asPublisher<unknown>(
        endpointOf(requireConnected(connection)),
        'GET',
        // Published content only, as a visitor sees it: that is what competes in search. (The publishing user is an
        // Author: measured on WordPress 6.1, status=any in the edit context returns only its own posts, and pages
        // refuse it outright.)
        `wp/v2/${type}${q}status=publish&per_page=100&page=${page}&orderby=id&order=asc&_fields=id,title,slug,link,status`,
      );
      if (res.status !== 200 || !Array.isArray(res.data)) {
        const message = (res.data as { message?: unknown } | null)?.message;
        throw new AppError(
          'SITE_UNREACHABLE',
          `WordPress refused to list the site's ${type} (HTTP ${res.status})${typeof message === 'string' ? `: ${message}` : ''}.`,
        );
      }
      const totalPages = Number(res.headers['x-wp-totalpages'] ?? '1');
      return {
        items: res.data as unknown[],
        totalPages: Number.isFinite(totalPages) && totalPages > 0 ? totalPages : 1,
      };
    },

    /**
     * The Publisher's handle on one connected site of an account (loaded once per job): signed calls to the
     * plugin's routes, WordPress REST calls and media uploads as the publishing user. `route` builds a route with a
     * query for either REST base ("/wp-json/" or "/?rest_route=/").
     */
    async publishingSession(accountId: string, siteId: string) {
      const connection = await prisma.siteConnection.findFirst({
        where: { siteId, accountId },
        include: { site: true },
      });
      if (!connection) throw errors.notFound('Site', siteId);
      const endpoint = endpointOf(requireConnected(connection));
      return {
        siteId,
        siteUrl: endpoint.siteUrl,
        route(path: string, query: Record<string, string | number> = {}) {
          const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
          if (!params) return path;
          return `${path}${endpoint.restUrl.includes('?') ? '&' : '?'}${params}`;
        },
        signed: <T>(method: string, route: string, payload?: unknown) =>
          siteClient.signed<T>(endpoint, method, route, payload),
        asPublisher: <T>(method: string, route: string, payload?: unknown) =>
          siteClient.asPublisher<T>(endpoint, method, route, payload),
        upload: <T>(file: { bytes: Buffer; filename: string; mimeType: string }) =>
          siteClient.uploadAsPublisher<T>(endpoint, 'wp/v2/media', file),
      };
    },
  };
}

export type ConnectService = ReturnType<typeof createConnectService>;
