import type { TSiteBulkResult, TSitesBulkBody, TSitesBulkResult } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { hasRole, hasScope, type AuthContext } from '../auth/credentials.ts';
import type { AutomationRunsService } from '../automation/runs-service.ts';
import type { ConnectService } from '../connect/service.ts';
import { sitesData } from './data.ts';

/**
 * Sites called at once. Each call waits on a WordPress site, at worst the site client's timeout (15 s): the Sites
 * table sends one page of sites (25 by default), so a page of unreachable sites answers within three rounds of it.
 */
const SITES_AT_ONCE = 10;

type Site = { id: string; name: string };
type Connect = Pick<ConnectService, 'checkHealth' | 'disconnect' | 'get'>;
/** What the automation actions need of automation's runs service: Run now, and pausing a site's run in progress. */
type BulkAutomation = Pick<AutomationRunsService, 'start' | 'pauseActive'>;

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

/** Why a site's automation action failed: the automation service's own words, or a plain "try again". */
function automationFailure(site: Site, action: 'start' | 'pause', error: unknown): TSiteBulkResult {
  const message =
    error instanceof AppError
      ? error.message
      : action === 'start'
        ? `Starting automation on "${site.name}" failed unexpectedly; try again in a minute.`
        : `Pausing automation on "${site.name}" failed unexpectedly; try again in a minute.`;
  return { siteId: site.id, name: site.name, ok: false, message };
}

/** An id that is not a site of the account, as its own result (the same words whether it exists elsewhere or not). */
const notFound = (siteId: string): TSiteBulkResult => ({
  siteId,
  name: siteId,
  ok: false,
  message: `Site ${siteId} was not found in this account; nothing was done to it.`,
});

/**
 * Actions on many sites at once (the agency view's bulk actions). Checking and disconnecting: every id must be a
 * site of the account, else 404 naming it and nothing is done. Starting and pausing automation: an id that is not a
 * site of the account gets a not-found result of its own and the other sites go ahead. Either way each site gets its
 * own result, so one unreachable site (or one whose run cannot start) does not stop the rest.
 */
export function createSitesBulk({
  prisma,
  connect,
  automation,
}: {
  prisma: PrismaClient;
  connect: Connect;
  automation: BulkAutomation;
}) {
  const data = sitesData(prisma);

  async function startAutomation(auth: AuthContext, requestId: string, site: Site): Promise<TSiteBulkResult> {
    const run = await automation.start(auth, requestId, site.id);
    return {
      siteId: site.id,
      name: site.name,
      ok: true,
      runId: run.id,
      message: `Automation started on "${site.name}".`,
    };
  }

  async function pauseAutomation(auth: AuthContext, site: Site): Promise<TSiteBulkResult> {
    const run = await automation.pauseActive(auth, site.id);
    if (!run) {
      return {
        siteId: site.id,
        name: site.name,
        ok: false,
        message: `"${site.name}" has no run in progress to pause.`,
      };
    }
    return {
      siteId: site.id,
      name: site.name,
      ok: true,
      runId: run.id,
      message: `Automation on "${site.name}" is pausing: items already started finish first.`,
    };
  }

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

  /** Start or pause automation on each site; ids of no site of the account get their own not-found result. */
  async function automationBulk(
    auth: AuthContext,
    requestId: string,
    action: 'automation_start' | 'automation_pause',
    ids: string[],
    found: Map<string, Site>,
  ): Promise<TSiteBulkResult[]> {
    // As the automation routes: the admin role, and for an API key the automation scope besides the sites scope.
    if (!hasRole(auth.role, 'admin')) throw errors.roleRequired('admin');
    if (auth.credential.kind === 'apiKey' && !hasScope(auth.credential.scopes, 'automation:write')) {
      throw errors.insufficientScope('automation:write');
    }
    return inBatches(ids, SITES_AT_ONCE, async (id) => {
      const site = found.get(id);
      if (!site) return notFound(id);
      return action === 'automation_start'
        ? startAutomation(auth, requestId, site).catch((error: unknown) => automationFailure(site, 'start', error))
        : pauseAutomation(auth, site).catch((error: unknown) => automationFailure(site, 'pause', error));
    });
  }

  return {
    async bulk(auth: AuthContext, body: TSitesBulkBody, requestId: string): Promise<TSitesBulkResult> {
      if (body.action === 'disconnect' && !hasRole(auth.role, 'admin')) throw errors.roleRequired('admin');
      const ids = [...new Set(body.siteIds)];
      const found = new Map((await data.findSites(auth.accountId, ids)).map((s) => [s.id, s]));
      let results: TSiteBulkResult[];
      if (body.action === 'automation_start' || body.action === 'automation_pause') {
        results = await automationBulk(auth, requestId, body.action, ids, found);
      } else {
        const missing = ids.find((id) => !found.has(id));
        if (missing) throw errors.notFound('Site', missing);
        const act = body.action === 'check_connection' ? checkConnection : disconnect;
        results = await inBatches(
          ids.map((id) => found.get(id)!),
          SITES_AT_ONCE,
          (site) => act(auth, site).catch((error: unknown) => failure(site, error)),
        );
      }
      const succeeded = results.filter((r) => r.ok).length;
      return { action: body.action, results, succeeded, failed: results.length - succeeded };
    },
  };
}

export type SitesBulkService = ReturnType<typeof createSitesBulk>;
