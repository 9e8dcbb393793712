import type { TAutomationSchedule } from '@igny8/shared';
import type { PgBoss } from 'pg-boss';
import { errors } from '../../errors.ts';
import type { JobEnvelope } from '../../jobs/queue.ts';
import { automationScheduledJob } from './contracts.ts';

/** The cron expression a schedule stands for (5 fields, read in the site's time zone). */
export function cronOf(schedule: TAutomationSchedule): string {
  const [hours, minutes] = schedule.time.split(':').map(Number) as [number, number];
  switch (schedule.frequency) {
    case 'hourly':
      return `${minutes} * * * *`;
    case 'daily':
      return `${minutes} ${hours} * * *`;
    case 'weekly':
      return `${minutes} ${hours} * * ${schedule.weekday}`;
    case 'custom':
      return schedule.cron ?? '';
  }
}

const invalid = (field: string, message: string) => errors.validation([{ in: 'body', field, message }]);

/**
 * Checks a schedule with pg-boss's own reader (what it accepts is what will fire) and refuses custom expressions
 * that fire more often than `minIntervalSeconds`. Answers the next time it fires.
 */
export function checkSchedule(
  boss: PgBoss,
  schedule: TAutomationSchedule,
  timezone: string,
  minIntervalSeconds: number,
): Date | null {
  const cron = cronOf(schedule);
  let next: Date[];
  try {
    next = boss.previewSchedule(cron, { tz: timezone, count: 2 });
  } catch {
    throw invalid(
      'schedule.cron',
      `"${cron}" is not a cron expression pg-boss can read: use five fields (minute hour day month weekday), e.g. "0 6 * * 1-5"`,
    );
  }
  if (schedule.frequency === 'custom' && next.length === 2) {
    const gap = (next[1]!.getTime() - next[0]!.getTime()) / 1000;
    if (gap < minIntervalSeconds) {
      throw invalid(
        'schedule.cron',
        `"${cron}" fires every ${gap} seconds; automation runs at most every ${minIntervalSeconds} seconds: choose a longer interval`,
      );
    }
  }
  return schedule.enabled ? (next[0] ?? null) : null;
}

/** When the schedule fires next, or null when it is off (or cannot be read any more). */
export function nextRunOf(boss: PgBoss, schedule: TAutomationSchedule, timezone: string): Date | null {
  if (!schedule.enabled) return null;
  try {
    return boss.previewSchedule(cronOf(schedule), { tz: timezone, count: 1 })[0] ?? null;
  } catch {
    return null;
  }
}

/** Puts the site's schedule into pg-boss (one per site, keyed by its id), or takes it out when off. */
export async function syncSchedule(
  boss: PgBoss,
  site: { id: string; accountId: string; timezone: string },
  schedule: TAutomationSchedule,
): Promise<void> {
  if (!schedule.enabled) {
    await boss.unschedule(automationScheduledJob.type, site.id);
    return;
  }
  const envelope: JobEnvelope = { v: 1, accountId: site.accountId, payload: { siteId: site.id } };
  await boss.schedule(automationScheduledJob.type, cronOf(schedule), envelope as unknown as object, {
    tz: site.timezone,
    key: site.id,
  });
}
