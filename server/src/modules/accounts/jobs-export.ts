import { defineJob } from '../../jobs/definition.ts';
import { iso } from '../../lib/serialize.ts';
import type { SitesData } from '../sites/data.ts';
import { accountExportJob } from './contracts.ts';
import type { AccountsData } from './data.ts';

export interface AccountsJobsDeps {
  accounts: AccountsData;
  sites: SitesData;
}

/**
 * The accounts module's jobs. The export writes an account's members, sites and sectors as one JSON document (the
 * job's result): a portable copy of the account's setup for backups or moving between installations. Secrets
 * (hashes, keys) are never included.
 */
export function accountsJobs({ accounts, sites }: AccountsJobsDeps) {
  return [
    defineJob({
      ...accountExportJob,
      retryLimit: 3,
      handler: async (ctx) => {
        const accountId = ctx.accountId;
        const account = await ctx.step(
          'account',
          async () => {
            const a = await accounts.findAccount(accountId);
            return { id: a.id, name: a.name, createdAt: iso(a.createdAt) };
          },
          { progress: 20 },
        );
        const members = await ctx.step(
          'members',
          async () => {
            const rows = await accounts.listMembersForExport(accountId);
            return rows.map((m) => ({ email: m.user.email, name: m.user.name, role: m.role }));
          },
          { progress: 50, detail: (rows) => `${rows.length} members` },
        );
        const siteRows = await ctx.step(
          'sites',
          async () => {
            const rows = await sites.listSitesWithSectors(accountId);
            return rows.map((s) => ({
              name: s.name,
              url: s.url,
              language: s.language,
              timezone: s.timezone,
              voice: s.voice,
              sectors: s.sectors.map((c) => ({ name: c.name, voice: c.voice, language: c.language })),
            }));
          },
          { progress: 90, detail: (rows) => `${rows.length} sites` },
        );
        return {
          format: 'igny8.account-export',
          version: 1,
          exportedAt: new Date().toISOString(),
          account,
          members,
          sites: siteRows,
        };
      },
    }),
  ];
}
