import { z } from 'zod';
import { jobContract } from '../../jobs/definition.ts';

/** Exports an account's members, sites and sectors as one JSON document (the job's result). */
export const accountExportJob = jobContract('accounts.export', z.object({}));
