import { z } from 'zod';
import { defineJob } from '../../jobs/definition.ts';
import type { ConnectService } from './service.ts';

export const SITE_HEALTH_JOB = 'sites.health-check';

/** Asks a connected site for its status over a signed request and records versions and health. */
export function siteHealthJob(connect: ConnectService) {
  return defineJob({
    type: SITE_HEALTH_JOB,
    payload: z.object({ siteId: z.uuid() }),
    retryLimit: 1,
    retryDelay: 5,
    handler: async (ctx, { siteId }) => {
      const connection = await ctx.step(
        'check',
        async () => {
          const view = await connect.checkHealth(ctx.accountId, siteId);
          return {
            health: view.health,
            healthDetail: view.healthDetail,
            wpVersion: view.wpVersion,
            pluginVersion: view.pluginVersion,
          };
        },
        { progress: 100, detail: (r) => `health ${r.health}` },
      );
      return connection;
    },
  });
}
