import type { TSiteBulkResult, TSitesBulkBody, TSitesBulkResult } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { hasRole, type AuthContext } from '../auth/credentials.ts';
import type { ConnectService } from '../connect/service.ts';
import { sitesData } from './data.ts';

/**
 * Sites called at once. Each call waits on a WordPress site, at worst the site client's timeout (15 s): the Sites
 * table sends one page of sites (25 by default), so a page of unreachable sites answers within three rounds of it.
 */
const SITES_AT_ONCE = 10;

type Site = { id: string; name: string };
type Connect = Pick<ConnectService, 'checkHealth' | 'disconnect' | 'get'>;

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Why a site's action failed, in the product's words (never a stack or a raw error). */
function failure(site: Site, error: unknown): TSiteBulkResult {
  if (error instanceof AppError) {
    const message =
      error.code === 'SITE_NOT_CONNECTED' || error.code === 'NOT_FOUND'
        ? `"${site.name}" is not connected: connect it from its wp-admin (IGNY8 > Connection > Connect to IGNY8).`
        : error.message;
    return { siteId: site.id, name: site.name, ok: false, message };
  }
  return {
    siteId: site.id,
    name: site.name,
    ok: false,
    message: `Checking "${site.name}" failed unexpectedly; try again in a minute.`,
  };
}

/**
 * Actions on many sites at once (the agency view's bulk actions). Every id must be a site of the account, else 404
 * naming it and nothing is done; then each site gets its own result, so one unreachable site does not stop the rest.
 */
export function createSitesBulk({ prisma, connect }: { prisma: PrismaClient; connect: Connect }) {
  const data = sitesData(prisma);

  async function checkConnection(auth: AuthContext, site: Site): Promise<TSiteBulkResult> {
    await connect.get(auth, site.id);
    const view = await connect.checkHealth(auth.accountId, site.id);
    const base = { siteId: site.id, name: site.name, health: view.health };
    if (view.health === 'ok')
      return { ...base, ok: true, message: `"${site.name}" is healthy: it answered the check.` };
    const detail = view.healthDetail ? ` ${view.healthDetail}` : '';
    return view.health === 'unreachable'
      ? { ...base, ok: false, message: `"${site.name}" could not be reached.${detail}` }
      : { ...base, ok: false, message: `"${site.name}" answered with an error.${detail}` };
  }

  async function disconnect(auth: AuthContext, site: Site): Promise<TSiteBulkResult> {
    const { siteNotified } = await connect.disconnect(auth, site.id);
    return {
      siteId: site.id,
      name: site.name,
      ok: true,
      message: siteNotified
        ? `"${site.name}" is disconnected.`
        : `"${site.name}" is disconnected here; the site could not be told, so disconnect it in its wp-admin too.`,
    };
  }

  return {
    async bulk(auth: AuthContext, body: TSitesBulkBody): Promise<TSitesBulkResult> {
      if (body.action === 'disconnect' && !hasRole(auth.role, 'admin')) throw errors.roleRequired('admin');
      const ids = [...new Set(body.siteIds)];
      const found = new Map((await data.findSites(auth.accountId, ids)).map((s) => [s.id, s]));
      const missing = ids.find((id) => !found.has(id));
      if (missing) throw errors.notFound('Site', missing);
      const act = body.action === 'check_connection' ? checkConnection : disconnect;
      const results = await inBatches(
        ids.map((id) => found.get(id)!),
        SITES_AT_ONCE,
        (site) => act(auth, site).catch((error: unknown) => failure(site, error)),
      );
      const succeeded = results.filter((r) => r.ok).length;
      return { action: body.action, results, succeeded, failed: results.length - succeeded };
    },
  };
}

export type SitesBulkService = ReturnType<typeof createSitesBulk>;
