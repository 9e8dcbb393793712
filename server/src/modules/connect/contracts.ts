import { z } from 'zod';
import { jobContract } from '../../jobs/definition.ts';

/** Asks a connected site for its status over a signed request and records versions and health. */
export const siteHealthJob = jobContract('connect.site_health', z.object({ siteId: z.uuid() }));
