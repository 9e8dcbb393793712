import { normalizeSiteUrl, type TConnectGrant, type TConnectGrantBody, type TConnectGrantPreview } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { randomToken, sha256 } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { checkSiteUrl } from '../sites/url-check.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';

export const CONNECTION_GRANT_PREFIX = 'igny8cg_';
/** How long a grant waits for the site to redeem it: the browser goes straight back, so minutes are plenty. */
export const CONNECTION_GRANT_TTL_MINUTES = 10;
/** The query parameters the site's Connection screen reads when the browser comes back. */
export const GRANT_PARAM = 'igny8_grant';
export const STATE_PARAM = 'igny8_state';

function parseUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * The return URL must be the wp-admin of the site being connected, or the grant would travel to someone else:
 * the same host and port as the site, the same scheme (or https for an http site, as with FORCE_SSL_ADMIN), no
 * credentials, and a path under the site's own path with a `wp-admin/` segment (`/blog/wp-admin/...`, or
 * `/blog/wp/wp-admin/...` when WordPress lives in a subdirectory of its home). Answers the URL to send the browser
 * to, without its fragment.
 */
export function checkReturnUrl(siteUrl: string, rawReturnUrl: string): URL {
  const site = new URL(siteUrl);
  const notOnSite = (why: string) =>
    new AppError(
      'RETURN_URL_NOT_ON_SITE',
      `The return address must be the wp-admin of the site being connected (${site.origin}): ${why}. Start again ` +
        'from IGNY8 > Connection in that site\u2019s wp-admin.',
      { field: 'returnUrl' },
    );
  const back = parseUrl(rawReturnUrl);
  if (!back) throw notOnSite('it is not an http(s) address');
  if (back.username || back.password) throw notOnSite('it carries a user name or password');
  const sameScheme = back.protocol === site.protocol || (site.protocol === 'http:' && back.protocol === 'https:');
  if (back.host !== site.host || !sameScheme) throw notOnSite(`it is on ${back.protocol}//${back.host}`);
  const sitePath = site.pathname.replace(/\/+$/, '');
  const rest = back.pathname.startsWith(`${sitePath}/`) ? back.pathname.slice(sitePath.length) : null;
  if (rest === null || !/^\/(?:[^/]+\/)*wp-admin\//.test(rest))
    throw notOnSite('it is not under the site\u2019s /wp-admin/');
  back.hash = '';
  return back;
}

/** Connect to IGNY8: grants a member issues for a site, and the check of the link that asks for one. */
export function createGrants(deps: ConnectServiceDeps) {
  const data = connectData(deps.prisma);

  /** Every check of a grant request that needs no account, in the order POST /connect/grants makes them. */
  async function checkPair(rawSiteUrl: string, rawReturnUrl: string) {
    const siteUrl = normalizeSiteUrl(rawSiteUrl);
    const returnUrl = checkReturnUrl(siteUrl, rawReturnUrl);
    await checkSiteUrl(siteUrl, deps.outbound, { field: 'siteUrl', allowUnresolved: false });
    return { siteUrl, returnUrl };
  }

  return {
    /** A single-use grant bound to the site and state; the answer is where to send the browser. */
    async createGrant(auth: AuthContext, body: TConnectGrantBody): Promise<TConnectGrant> {
      const { siteUrl, returnUrl } = await checkPair(body.siteUrl, body.returnUrl);
      const code = CONNECTION_GRANT_PREFIX + randomToken(32);
      const expiresAt = new Date(Date.now() + CONNECTION_GRANT_TTL_MINUTES * 60_000);
      await data.createConnectionKey({
        accountId: auth.accountId,
        createdById: auth.userId,
        keyHash: sha256(code),
        expiresAt,
        boundSiteUrl: siteUrl,
        stateHash: sha256(body.state),
        sectorName: body.sector?.name ?? null,
        sectorLanguage: body.sector?.language ?? null,
      });
      returnUrl.searchParams.set(GRANT_PARAM, code);
      returnUrl.searchParams.set(STATE_PARAM, body.state);
      return { redirectUrl: returnUrl.toString(), expiresAt: iso(expiresAt) };
    },

    /** The same checks without issuing anything, so the app can explain a bad link before anyone signs in. */
    async previewGrant(rawSiteUrl: string, rawReturnUrl: string): Promise<TConnectGrantPreview> {
      const returnHost = parseUrl(rawReturnUrl)?.host ?? null;
      if (!parseUrl(rawSiteUrl)) {
        const message = 'The site address is not an http(s) URL. Start again from IGNY8 > Connection in wp-admin.';
        return {
          siteUrl: rawSiteUrl,
          returnHost,
          ok: false,
          problem: { code: 'VALIDATION_FAILED', message, field: 'siteUrl' },
        };
      }
      const siteUrl = normalizeSiteUrl(rawSiteUrl);
      try {
        await checkPair(rawSiteUrl, rawReturnUrl);
        return { siteUrl, returnHost, ok: true };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const field = typeof error.details?.field === 'string' ? error.details.field : '';
        return { siteUrl, returnHost, ok: false, problem: { code: error.code, message: error.message, field } };
      }
    },
  };
}
