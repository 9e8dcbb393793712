import { defineJob } from '../../jobs/definition.ts';
import { siteHealthJob } from './contracts.ts';
import type { ConnectService } from './service.ts';

/** The connect module's jobs, bound to its service. */
export function connectJobs({ connect }: { connect: ConnectService }) {
  return [
    defineJob({
      ...siteHealthJob,
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
    }),
  ];
}
