import { ROLE_RANK, type TApiKeyScope, type TRole } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AuthContext } from './credentials.ts';
import { findResourceSite, findSiteConnector, type SiteOwner } from './data.ts';

/**
 * Site principals: a connected WordPress site calling ordinary account-scoped API routes (planner, writer,
 * publisher, jobs) on behalf of one of its WordPress users, authenticated by the site's request signature
 * (docs/connection-protocol.md, "Calls on behalf of a WordPress user").
 *
 * The plugin names the WordPress user and the capability level it derived from that user's capabilities in two
 * headers. They are part of what is signed (folded into the canonical query, see `signedUrlWithActor`), so they
 * cannot be added, removed or changed without the site's private key; unsigned, they mean nothing.
 */

/** Capability levels, named after WordPress's default roles but derived from capabilities (custom roles map too). */
export const WP_LEVELS = ['admin', 'editor', 'author', 'contributor', 'subscriber'] as const;
export type TWpLevel = (typeof WP_LEVELS)[number];

export const ACTOR_HEADERS = { user: 'x-igny8-wp-user', level: 'x-igny8-wp-role' } as const;

/**
 * Our role for each level: manage_options -> admin; edit_posts (contributor and up) -> editor, as the plugin lets
 * anyone who can edit posts plan and write; read only -> viewer. The role is then capped by the role of the member
 * who connected the site.
 */
const LEVEL_ROLE: Record<TWpLevel, TRole> = {
  admin: 'admin',
  editor: 'editor',
  author: 'editor',
  contributor: 'editor',
  subscriber: 'viewer',
};

/** Levels whose WordPress users can publish_posts: only they get `publisher:write`. */
const PUBLISHING_LEVELS: readonly TWpLevel[] = ['admin', 'editor', 'author'];

export interface Actor {
  wpUserId: number;
  level: TWpLevel;
}

export interface SiteCredential {
  kind: 'site';
  siteId: string;
  wpUserId: number;
  wpRole: TWpLevel;
  scopes: TSiteScope[];
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The acting WordPress user named by a site-signed request; 401 when either header is missing or malformed. */
export function actorOf(headers: Record<string, string | string[] | undefined>): Actor {
  const user = header(headers, ACTOR_HEADERS.user) ?? '';
  const level = header(headers, ACTOR_HEADERS.level) ?? '';
  if (!/^[1-9][0-9]{0,18}$/.test(user) || !(WP_LEVELS as readonly string[]).includes(level)) {
    throw new AppError(
      'SIGNATURE_INVALID',
      'A signed request from a site to this route must name the WordPress user: X-IGNY8-WP-User (a user id) and ' +
        `X-IGNY8-WP-Role (one of ${WP_LEVELS.join(', ')}).`,
    );
  }
  return { wpUserId: Number(user), level: level as TWpLevel };
}

/**
 * The URL whose canonical string the site signed: the request URL with the actor appended as two query pairs
 * named like the headers. The canonical query is sorted, so where they are appended does not matter; a request
 * whose own query already uses these names is refused, so the folding is unambiguous.
 */
export function signedUrlWithActor(url: string, actor: Actor): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const part of query.split('&')) {
    const name = decodeURIComponentSafe(part.split('=')[0] ?? '').toLowerCase();
    if (name === ACTOR_HEADERS.user || name === ACTOR_HEADERS.level) {
      throw new AppError('SIGNATURE_INVALID', `The query parameter "${name}" is reserved for the request signature.`);
    }
  }
  const actorPairs = `${ACTOR_HEADERS.level}=${actor.level}&${ACTOR_HEADERS.user}=${actor.wpUserId}`;
  return `${url}${url.includes('?') ? (url.endsWith('?') || url.endsWith('&') ? '' : '&') : '?'}${actorPairs}`;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Scopes only site principals hold. `billing:read` opens the account's balance, usage and transactions to a site
 * (routes declare it as `siteScope`: API keys read billing without a scope).
 */
export type TSiteScope = TApiKeyScope | 'billing:read';

/**
 * The scopes a site principal holds (like an API key's): its own site's planner, writer and jobs; publishing
 * (acting on publications) only for levels that can publish posts in WordPress, reading publications for all;
 * changing the site and its sectors, and reading credits and usage, only for WordPress administrators
 * (manage_options), as the plugin's Settings screen needs.
 */
export function siteScopes(level: TWpLevel): TSiteScope[] {
  const scopes: TSiteScope[] = ['planner:write', 'writer:write', 'jobs:write'];
  scopes.push(level === 'admin' ? 'sites:write' : 'sites:read');
  scopes.push(PUBLISHING_LEVELS.includes(level) ? 'publisher:write' : 'publisher:read');
  if (level === 'admin') scopes.push('billing:read');
  // Automation spends credits and publishes on a schedule: set up and started by administrators only.
  scopes.push(level === 'admin' ? 'automation:write' : 'automation:read');
  return scopes;
}

function lowerRole(a: TRole, b: TRole): TRole {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/**
 * The AuthContext of a verified site request: the site's account, acting as the member who connected the site
 * (so removing that member or suspending the account stops the site, as it stops that member's API keys), with
 * the lower of that member's role and the WordPress user's level.
 */
export async function contextFromSite(
  prisma: PrismaClient,
  site: { siteId: string; accountId: string },
  actor: Actor,
): Promise<AuthContext> {
  const row = await findSiteConnector(prisma, site.siteId, site.accountId);
  if (!row || !row.role) {
    throw new AppError(
      'UNAUTHENTICATED',
      'The IGNY8 member who connected this site is no longer in the account: an account admin must connect the ' +
        'site again from wp-admin (IGNY8 > Connection).',
    );
  }
  if (row.status === 'suspended') {
    throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended. Contact the service operator.');
  }
  const credential: SiteCredential = {
    kind: 'site',
    siteId: site.siteId,
    wpUserId: actor.wpUserId,
    wpRole: actor.level,
    scopes: siteScopes(actor.level),
  };
  return {
    userId: row.userId,
    accountId: site.accountId,
    role: lowerRole(LEVEL_ROLE[actor.level], row.role),
    isOperator: false,
    credential,
  };
}

/** Account-wide lists a site may call: the route's service keeps them to the site (`siteOf`). */
const SITE_CONFINED_LISTS: readonly string[] = ['GET /api/v1/jobs'];

/** Routes a site may not call whatever its scopes, and why (in the product's words). */
const CLOSED_TO_SITES: Record<string, string> = {
  'DELETE /api/v1/sites/:siteId':
    'A WordPress site cannot delete itself on the IGNY8 server: disconnect it in wp-admin (IGNY8 > Connection), ' +
    'then an account admin can delete it in IGNY8.',
  'DELETE /api/v1/sites/:siteId/connection': 'Disconnect the site in wp-admin (IGNY8 > Connection).',
  'POST /api/v1/sites/:siteId/connection/rotate': "Rotate the site's key in wp-admin (IGNY8 > Connection).",
  'POST /api/v1/sites/:siteId/connection/check': 'Check the connection in wp-admin (IGNY8 > Connection).',
};

/** What a site principal lacking a scope is told: which WordPress users may do it. */
const MISSING_SCOPE: Partial<Record<TSiteScope, string>> = {
  'publisher:write': 'Publishing needs a WordPress user who can publish posts (an Author, Editor or Administrator).',
  'sites:write': "Changing the site's settings and sectors needs a WordPress Administrator (manage_options).",
  'billing:read': 'Credits and usage are shown to WordPress Administrators only (manage_options).',
  'automation:write': 'Automation is set up and started by WordPress Administrators only (manage_options).',
};

/**
 * Whether a route is open to site principals at all: it must declare a scope the site holds (`scope`, or
 * `siteScope` on routes API keys call without one; none, `scope: null` or operator routes are closed), must not be
 * one a site may not call (CLOSED_TO_SITES), and `sites:*` / `jobs:*` routes must name their resource in the path,
 * except the lists in SITE_CONFINED_LISTS, which their services keep to the site.
 */
export function checkSiteRoute(
  required: { scope?: TApiKeyScope | null; siteScope?: TSiteScope; operator?: boolean },
  method: string,
  routeUrl: string,
  credential: SiteCredential,
  hasScope: (scopes: TSiteScope[], required: TSiteScope) => boolean,
): void {
  const closed = () =>
    new AppError('FORBIDDEN', 'WordPress sites cannot call this route; use an IGNY8 account user or API key.');
  const scope = required.scope ?? required.siteScope;
  if (required.operator || !scope) throw closed();
  const route = `${method.toUpperCase()} ${routeUrl}`;
  const refusal = CLOSED_TO_SITES[route];
  if (refusal) throw new AppError('FORBIDDEN', refusal);
  const area = scope.split(':')[0];
  const confinedList = SITE_CONFINED_LISTS.includes(route);
  if (area === 'sites' && !routeUrl.includes(':siteId')) throw closed();
  if (area === 'jobs' && !routeUrl.includes(':jobId') && !confinedList) throw closed();
  if (area === 'automation' && !routeUrl.includes(':siteId') && !routeUrl.includes(':runId')) throw closed();
  if (!hasScope(credential.scopes, scope)) {
    const missing = MISSING_SCOPE[scope];
    throw missing ? new AppError('FORBIDDEN', missing) : closed();
  }
}

/** The site a caller is kept to: a site principal's own site; undefined for users and API keys. */
export function siteOf(auth: AuthContext): string | undefined {
  return auth.credential.kind === 'site' ? auth.credential.siteId : undefined;
}

/**
 * Resources addressed by id in a path, and where their site is: the table's own `siteId`, or (`via`) the
 * `siteId` of the row its foreign key names.
 */
const OWNED_BY_SITE: Record<string, SiteOwner & { label: string }> = {
  sectorId: { table: 'Sector', label: 'Sector' },
  keywordId: { table: 'Keyword', label: 'Keyword' },
  clusterId: { table: 'KeywordCluster', label: 'Cluster' },
  ideaId: { table: 'ContentIdea', label: 'Idea' },
  importId: { table: 'KeywordImport', label: 'Import' },
  taskId: { table: 'Task', label: 'Task' },
  contentId: { table: 'Content', label: 'Content' },
  publicationId: { table: 'Publication', label: 'Publication' },
  runId: { table: 'AutomationRun', label: 'Automation run' },
  jobId: { table: 'JobRun', label: 'Job' },
  imageId: { table: 'ContentImage', label: 'Image', via: { column: 'contentId', table: 'Content' } },
  editorImageId: { table: 'EditorImage', label: 'Image' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keeps a site principal to its own site, answering 404 (as for another tenant's id) when the request names
 * another site: `siteId` in the path, the query or a JSON body; or a resource in the path (table above) that
 * belongs to another site of the account. Ids inside bodies (bulk `ids`, `clusterId` in a body) are checked by
 * the services against the account only: see docs/connection-protocol.md.
 */
export async function confineToSite(
  prisma: PrismaClient,
  auth: AuthContext,
  siteId: string,
  request: { params: unknown; query: unknown; body: unknown },
): Promise<void> {
  const named = (source: unknown) => {
    const value = (source as Record<string, unknown> | null | undefined)?.siteId;
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  };
  for (const value of [...named(request.params), ...named(request.query), ...named(request.body)]) {
    if (typeof value !== 'string' || value.toLowerCase() !== siteId) {
      throw errors.notFound('Site', typeof value === 'string' ? value : undefined);
    }
  }
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [param, owner] of Object.entries(OWNED_BY_SITE)) {
    const id = params[param];
    if (typeof id !== 'string' || !UUID.test(id)) continue;
    // Table and column names come from the fixed map above, never from the request.
    const rows = await findResourceSite(prisma, owner, id, auth.accountId);
    if (rows.length > 0 && rows[0]!.siteId !== siteId) throw errors.notFound(owner.label, id);
  }
}
