import { accountExportJob } from '../modules/accounts/export-job.ts';
import { JobRegistry } from './definition.ts';

/** Every job type the product runs. Modules add their definitions here. */
export function productJobRegistry(): JobRegistry {
  return new JobRegistry().register(accountExportJob);
}
