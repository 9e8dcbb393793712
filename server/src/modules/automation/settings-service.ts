import {
  ZAutomationSettings,
  type TAutomationSettings,
  type TAutomationSettingsPatch,
  type TAutomationState,
} from '@igny8/shared';
import type { PgBoss } from 'pg-boss';
import { errors } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { monthStartUtc, type AutomationData } from './data.ts';
import { runView } from './views.ts';
import { checkSchedule, nextRunOf, syncSchedule } from './schedule.ts';

export interface SettingsDeps {
  data: AutomationData;
  boss: PgBoss;
  minIntervalSeconds: number;
}

/** The settings a site has before anyone saved any: everything on, nothing automatic that spends or publishes. */
export const DEFAULT_SETTINGS: TAutomationSettings = ZAutomationSettings.parse({});

/** A site of the account, or 404. */
export async function findSite(data: AutomationData, auth: AuthContext, siteId: string) {
  const site = await data.findSite(auth.accountId, siteId);
  if (!site) throw errors.notFound('Site', siteId);
  return site;
}

export function storedSettings(json: unknown): TAutomationSettings {
  const parsed = ZAutomationSettings.safeParse(json);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** The settings with the patch applied: nested groups merge, sector overrides are replaced as a whole. */
function merge(current: TAutomationSettings, patch: TAutomationSettingsPatch): unknown {
  return {
    ...current,
    ...patch,
    schedule: { ...current.schedule, ...patch.schedule },
    stages: { ...current.stages, ...patch.stages },
    batchSizes: { ...current.batchSizes, ...patch.batchSizes },
    cadence: { ...current.cadence, ...patch.cadence },
    sectorOverrides: patch.sectorOverrides ?? current.sectorOverrides,
  };
}

/** Reading and saving a site's automation settings; saving puts its schedule into pg-boss. */
export function createSettingsService(deps: SettingsDeps) {
  const { data, boss } = deps;

  async function state(auth: AuthContext, siteId: string): Promise<TAutomationState> {
    const site = await findSite(data, auth, siteId);
    const row = await data.findSettings(site.id);
    const settings = row ? storedSettings(row.settings) : DEFAULT_SETTINGS;
    const [active, last, month, reviewCount] = await Promise.all([
      data.activeRun(site.id),
      data.lastEndedRun(site.id),
      data.creditsSince(site.id, monthStartUtc()),
      data.handledArticles(site.id).then((queued) => data.reviewCount(site.id, queued)),
    ]);
    return {
      siteId: site.id,
      settings,
      timezone: site.timezone,
      nextRunAt: nextRunOf(boss, settings.schedule, site.timezone)?.toISOString() ?? null,
      activeRun: active ? runView(active) : null,
      lastRun: last ? runView(last) : null,
      creditsThisMonth: month.used,
      reviewCount,
    };
  }

  return {
    state,

    /**
     * Saves what the patch changes (422 naming each bad field, nothing saved), then schedules the site in its time
     * zone, or unschedules it when the schedule is off. A run under way keeps the settings it started with.
     */
    async save(auth: AuthContext, siteId: string, patch: TAutomationSettingsPatch): Promise<TAutomationState> {
      const site = await findSite(data, auth, siteId);
      const row = await data.findSettings(site.id);
      const parsed = ZAutomationSettings.safeParse(merge(row ? storedSettings(row.settings) : DEFAULT_SETTINGS, patch));
      if (!parsed.success) {
        throw errors.validation(
          parsed.error.issues.map((i) => ({ in: 'body', field: i.path.join('.'), message: i.message })),
        );
      }
      const settings = parsed.data;
      const sectors = new Set((await data.sectorsOf(site.id)).map((s) => s.id));
      const unknown = Object.keys(settings.sectorOverrides).filter((id) => !sectors.has(id));
      if (unknown.length) {
        throw errors.validation(
          unknown.map((id) => ({
            in: 'body',
            field: `sectorOverrides.${id}`,
            message: "is not a sector of this site: pick one of the site's sectors, or remove the override",
          })),
        );
      }
      checkSchedule(boss, settings.schedule, site.timezone, deps.minIntervalSeconds);
      await data.upsertSettings({
        siteId: site.id,
        accountId: site.accountId,
        settings: settings as unknown as Prisma.InputJsonValue,
        scheduleEnabled: settings.schedule.enabled,
        updatedById: auth.userId,
      });
      await syncSchedule(boss, site, settings.schedule);
      return state(auth, site.id);
    },
  };
}

export type AutomationSettingsService = ReturnType<typeof createSettingsService>;
