import { z } from 'zod';
import { jobContract, type JobPayload } from '../../jobs/definition.ts';

/** Drives one automation run until it ends or pauses (a resumed run gets a new driver). */
export const automationRunJob = jobContract('automation.run', z.object({ runId: z.uuid(), siteId: z.uuid() }));
export type AutomationRunPayload = JobPayload<typeof automationRunJob>;

/**
 * Sent by pg-boss's scheduler (one schedule per site, keyed by the site id, in the site's time zone): starts a run
 * unless one is under way.
 */
export const automationScheduledJob = jobContract('automation.scheduled', z.object({ siteId: z.uuid() }));
export type AutomationScheduledPayload = JobPayload<typeof automationScheduledJob>;
