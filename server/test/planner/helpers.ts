import type { Prisma } from '../../src/generated/prisma/client.ts';
import type { TestContext } from '../helpers/app.ts';
import type { Member } from '../helpers/users.ts';

/** A site with one sector, made through the API. */
export async function siteWithSector(t: TestContext, member: Member, name = 'Blog') {
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: member.headers,
    payload: { name, url: `https://${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}.example.com` },
  });
  if (site.statusCode !== 201) throw new Error(`site: ${site.body}`);
  const siteId = site.json().data.id as string;
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${siteId}/sectors`,
    headers: member.headers,
    payload: { name: 'Main' },
  });
  if (sector.statusCode !== 201) throw new Error(`sector: ${sector.body}`);
  return { siteId, sectorId: sector.json().data.id as string };
}

export async function addSector(t: TestContext, member: Member, siteId: string, name: string) {
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${siteId}/sectors`,
    headers: member.headers,
    payload: { name },
  });
  return sector.json().data.id as string;
}

/** Keyword rows inserted directly (the import is another part of the planner). */
export async function insertKeywords(
  t: TestContext,
  member: Member,
  where: { siteId: string; sectorId: string },
  rows: Partial<Prisma.KeywordCreateManyInput>[],
) {
  await t.db.prisma.keyword.createMany({
    data: rows.map((r, i) => {
      const keyword = r.keyword ?? `keyword ${i}`;
      return {
        accountId: member.accountId,
        siteId: where.siteId,
        sectorId: where.sectorId,
        keyword,
        normalized: keyword.toLowerCase(),
        intent: 'informational' as const,
        source: 'csv',
        ...r,
      };
    }),
  });
}

export async function insertCluster(
  t: TestContext,
  member: Member,
  where: { siteId: string; sectorId: string },
  name: string,
) {
  return t.db.prisma.keywordCluster.create({
    data: { accountId: member.accountId, siteId: where.siteId, sectorId: where.sectorId, name, method: 'manual' },
  });
}
