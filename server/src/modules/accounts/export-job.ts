import { z } from 'zod';
import { defineJob } from '../../jobs/definition.ts';
import { iso } from '../../lib/serialize.ts';

export const ACCOUNT_EXPORT_JOB = 'account.export';

/**
 * Exports an account's members, sites and sectors as one JSON document (the job's result): a portable copy of
 * the account's setup for backups or moving between installations. Secrets (hashes, keys) are never included.
 */
export const accountExportJob = defineJob({
  type: ACCOUNT_EXPORT_JOB,
  payload: z.object({}),
  retryLimit: 3,
  handler: async (ctx) => {
    const accountId = ctx.accountId;
    const account = await ctx.step(
      'account',
      async () => {
        const a = await ctx.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
        return { id: a.id, name: a.name, createdAt: iso(a.createdAt) };
      },
      { progress: 20 },
    );
    const members = await ctx.step(
      'members',
      async () => {
        const rows = await ctx.prisma.membership.findMany({
          where: { accountId },
          include: { user: { select: { email: true, name: true } } },
          orderBy: { createdAt: 'asc' },
        });
        return rows.map((m) => ({ email: m.user.email, name: m.user.name, role: m.role }));
      },
      { progress: 50, detail: (rows) => `${rows.length} members` },
    );
    const sites = await ctx.step(
      'sites',
      async () => {
        const rows = await ctx.prisma.site.findMany({
          where: { accountId },
          include: { sectors: { orderBy: { createdAt: 'asc' } } },
          orderBy: { createdAt: 'asc' },
        });
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
      sites,
    };
  },
});
