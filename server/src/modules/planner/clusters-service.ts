import type { TCluster, TClusterDetail, TClusterRunAccepted, TClustersQuery, TRunClustersBody } from '@igny8/shared';
import {
  MAX_AI_CLUSTER_RUN_KEYWORDS,
  MAX_CLUSTER_RUN_KEYWORDS,
  MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS,
} from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { KeywordCluster, Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { refreshCannibalization } from './cannibalization.ts';
import { recomputeClusters } from './cluster-metrics.ts';
import { embeddingModelKey, uncachedTexts } from './clustering/embedding-cache.ts';
import { clusterLexically } from './clustering/lexical.ts';
import type { PlannerRouteDeps } from './deps.ts';
import { heldRunAccepted } from '../ai/runs-service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const CLUSTER_LEXICAL_JOB = 'planner.cluster_lexical';
export const CLUSTER_AI_JOB = 'planner.cluster_ai';
export const CLUSTER_EMBEDDING_JOB = 'planner.cluster_embedding';
/** The ledger's operation name for embedding runs. */
export const CLUSTER_EMBEDDING_OPERATION = 'cluster_embedding';
/** Keywords per auto_cluster call by default (the function takes at most 500). */
export const DEFAULT_AI_BATCH = 300;
/** The auto_cluster function refuses keywords longer than this. */
const AI_KEYWORD_MAX_CHARS = 200;
const DETAIL_KEYWORDS = 500;
const EDIT_TX = { maxWait: 10_000, timeout: 60_000 };

// ---------------------------------------------------------------------------------------------------------------
// Views

type ClusterRow = KeywordCluster;

async function mainKeywords(db: Db, rows: ClusterRow[]) {
  const ids = rows.map((r) => r.mainKeywordId).filter((id): id is string => id !== null);
  if (!ids.length) return new Map<string, { id: string; keyword: string; volume: number | null }>();
  const keywords = await db.keyword.findMany({
    where: { id: { in: ids } },
    select: { id: true, keyword: true, volume: true },
  });
  return new Map(keywords.map((k) => [k.id, k]));
}

function clusterView(
  row: ClusterRow,
  main: Map<string, { id: string; keyword: string; volume: number | null }>,
): TCluster {
  return {
    id: row.id,
    siteId: row.siteId,
    sectorId: row.sectorId,
    name: row.name,
    method: row.method as TCluster['method'],
    keywordCount: row.keywordCount,
    totalVolume: row.totalVolume,
    avgDifficulty: row.avgDifficulty === null ? null : Math.round(row.avgDifficulty * 10) / 10,
    dominantIntent: row.dominantIntent,
    mainKeyword: (row.mainKeywordId && main.get(row.mainKeywordId)) || null,
    cannibalizes: (row.cannibalizes as TCluster['cannibalizes']) ?? null,
    demo: row.demo,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

async function detailView(db: Db, row: ClusterRow): Promise<TClusterDetail> {
  const keywords = await db.keyword.findMany({
    where: { clusterId: row.id },
    orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }, { id: 'asc' }],
    take: DETAIL_KEYWORDS,
    select: { id: true, keyword: true, volume: true, difficulty: true, cpc: true, intent: true, status: true },
  });
  return { ...clusterView(row, await mainKeywords(db, [row])), keywords };
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor pagination over the four sorts

interface SortCursor {
  s: TClustersQuery['sort'];
  v: string | number;
  id: string;
}

function encodeSortCursor(c: SortCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeSortCursor(cursor: string, sort: TClustersQuery['sort']): SortCursor {
  const bad = () =>
    errors.badRequest(
      'The cursor is not valid for this sort: pass back nextCursor from the previous page unchanged, with the same sort.',
      { field: 'cursor' },
    );
  let c: SortCursor;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as SortCursor;
  } catch {
    throw bad();
  }
  if (!c || c.s !== sort || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(c.id)) throw bad();
  if ((sort === 'name' || sort === 'newest') !== (typeof c.v === 'string')) throw bad();
  if (sort === 'newest' && Number.isNaN(new Date(c.v as string).getTime())) throw bad();
  return c;
}

function sortSpec(sort: TClustersQuery['sort'], cursor: string | undefined) {
  const c = cursor ? decodeSortCursor(cursor, sort) : undefined;
  switch (sort) {
    case 'volume':
      return {
        orderBy: [{ totalVolume: 'desc' as const }, { id: 'desc' as const }],
        where: c
          ? { OR: [{ totalVolume: { lt: c.v as number } }, { totalVolume: c.v as number, id: { lt: c.id } }] }
          : {},
        key: (r: ClusterRow) => r.totalVolume,
      };
    case 'keywords':
      return {
        orderBy: [{ keywordCount: 'desc' as const }, { id: 'desc' as const }],
        where: c
          ? { OR: [{ keywordCount: { lt: c.v as number } }, { keywordCount: c.v as number, id: { lt: c.id } }] }
          : {},
        key: (r: ClusterRow) => r.keywordCount,
      };
    case 'name':
      return {
        orderBy: [{ name: 'asc' as const }, { id: 'asc' as const }],
        where: c ? { OR: [{ name: { gt: c.v as string } }, { name: c.v as string, id: { gt: c.id } }] } : {},
        key: (r: ClusterRow) => r.name,
      };
    case 'newest': {
      const at = c ? new Date(c.v as string) : undefined;
      return {
        orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
        where: c ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: c.id } }] } : {},
        key: (r: ClusterRow) => r.createdAt.toISOString(),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing clusters (used by the jobs and the manual edits)

export interface NewCluster {
  name: string;
  keywordIds: string[];
}

export interface ApplyResult {
  clusterIds: string[];
  clustered: number;
  /** Keywords that no longer qualified when the clusters were written (deleted, moved, clustered meanwhile). */
  skipped: number;
  cannibalizing: number;
}

/**
 * Writes clusters of one sector in the caller's transaction: creates the cluster rows, moves the keywords into
 * them (status new -> clustered), recomputes the metrics of the new clusters and of those the keywords left, and
 * refreshes the site's cannibalization flags. Keywords are locked first; with `onlyUnclustered`, keywords that got a
 * cluster or left status new since the run started are skipped (another run or an edit got there first).
 */
export async function writeClusters(
  tx: Prisma.TransactionClient,
  scope: { accountId: string; siteId: string; sectorId: string },
  clusters: NewCluster[],
  options: { method: string; demo?: boolean; onlyUnclustered: boolean },
): Promise<ApplyResult> {
  const wanted = [...new Set(clusters.flatMap((c) => c.keywordIds))];
  const locked = wanted.length
    ? await tx.$queryRaw<{ id: string; clusterId: string | null; status: string }[]>`
        SELECT id, "clusterId", status::text AS status FROM "Keyword"
        WHERE id = ANY(${wanted}::uuid[]) AND "sectorId" = ${scope.sectorId}::uuid
          AND "accountId" = ${scope.accountId}::uuid
        ORDER BY id FOR UPDATE`
    : [];
  const usable = new Map(
    locked
      .filter((k) => !options.onlyUnclustered || (k.clusterId === null && k.status === 'new'))
      .map((k) => [k.id, k]),
  );
  const rows: Prisma.KeywordClusterCreateManyInput[] = [];
  const keywordIds: string[] = [];
  const clusterIds: string[] = [];
  const taken = new Set<string>();
  for (const c of clusters) {
    const members = c.keywordIds.filter((id) => usable.has(id) && !taken.has(id));
    if (!members.length) continue;
    const id = crypto.randomUUID();
    rows.push({
      id,
      accountId: scope.accountId,
      siteId: scope.siteId,
      sectorId: scope.sectorId,
      name: c.name.slice(0, 200),
      method: options.method,
      demo: options.demo ?? false,
    });
    for (const k of members) {
      taken.add(k);
      keywordIds.push(k);
      clusterIds.push(id);
    }
  }
  const previous = [...new Set(keywordIds.map((k) => usable.get(k)!.clusterId).filter((c): c is string => !!c))];
  if (rows.length) {
    await tx.keywordCluster.createMany({ data: rows });
    await assignKeywords(tx, keywordIds, clusterIds);
  }
  await recomputeClusters(tx, [...rows.map((r) => r.id!), ...previous]);
  const cannibalizing = await refreshCannibalization(tx, scope.siteId);
  return {
    clusterIds: rows.map((r) => r.id!),
    clustered: keywordIds.length,
    skipped: wanted.length - keywordIds.length,
    cannibalizing,
  };
}

/** Moves keywords into clusters (pairwise arrays); keywords with status new become clustered. */
async function assignKeywords(tx: Prisma.TransactionClient, keywordIds: string[], clusterIds: string[]) {
  const chunk = 20_000;
  for (let i = 0; i < keywordIds.length; i += chunk) {
    await tx.$executeRaw`
      UPDATE "Keyword" k SET "clusterId" = v.cid,
        status = CASE WHEN k.status = 'new' THEN 'clustered'::"KeywordStatus" ELSE k.status END,
        "updatedAt" = now()
      FROM unnest(${keywordIds.slice(i, i + chunk)}::uuid[], ${clusterIds.slice(i, i + chunk)}::uuid[]) AS v(id, cid)
      WHERE k.id = v.id`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service behind the routes

export function createClustersService(deps: Pick<PlannerRouteDeps, 'prisma' | 'jobs' | 'runs' | 'engine'>) {
  const { prisma } = deps;

  async function findSector(auth: AuthContext, siteId: string, sectorId: string) {
    const site = await prisma.site.findFirst({
      where: { id: siteId, accountId: auth.accountId },
      select: { id: true },
    });
    if (!site) throw errors.notFound('Site', siteId);
    const sector = await prisma.sector.findFirst({
      where: { id: sectorId, siteId, accountId: auth.accountId },
      include: { site: { select: { language: true } } },
    });
    if (!sector) throw errors.notFound('Sector', sectorId);
    return sector;
  }

  async function findCluster(db: Db, auth: AuthContext, clusterId: string, lock = false): Promise<ClusterRow> {
    if (lock) {
      const [locked] = await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM "KeywordCluster" WHERE id = ${clusterId}::uuid AND "accountId" = ${auth.accountId}::uuid
        FOR UPDATE`;
      if (!locked) throw errors.notFound('Cluster', clusterId);
    }
    const row = await db.keywordCluster.findFirst({ where: { id: clusterId, accountId: auth.accountId } });
    if (!row) throw errors.notFound('Cluster', clusterId);
    return row;
  }

  /** Keywords of the account by id; an id of no keyword of this account is a 404 naming it. */
  async function findKeywords(db: Db, auth: AuthContext, ids: string[]) {
    const unique = [...new Set(ids)];
    const rows = await db.keyword.findMany({
      where: { id: { in: unique }, accountId: auth.accountId },
      select: {
        id: true,
        sectorId: true,
        siteId: true,
        clusterId: true,
        keyword: true,
        volume: true,
        normalized: true,
      },
    });
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((r) => r.id));
      throw errors.notFound(
        'Keyword',
        unique.find((id) => !found.has(id)),
      );
    }
    return rows;
  }

  function sameSector(rows: { id: string; sectorId: string }[], sectorId: string, field: string) {
    const other = rows.find((r) => r.sectorId !== sectorId);
    if (other) {
      throw errors.validation([
        {
          in: 'body',
          field,
          message: `includes keyword ${other.id} of another sector: clusters hold one sector's keywords`,
        },
      ]);
    }
  }

  /** The keywords a run clusters: the given ones (checked), or the sector's unclustered new keywords by volume. */
  async function runKeywords(auth: AuthContext, body: TRunClustersBody, limit: number) {
    if (body.keywordIds) {
      const rows = await findKeywords(prisma, auth, body.keywordIds);
      sameSector(rows, body.sectorId, 'keywordIds');
      return rows;
    }
    return prisma.keyword.findMany({
      where: { sectorId: body.sectorId, accountId: auth.accountId, clusterId: null, status: 'new' },
      orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }, { id: 'asc' }],
      take: limit,
      select: {
        id: true,
        sectorId: true,
        siteId: true,
        clusterId: true,
        keyword: true,
        volume: true,
        normalized: true,
      },
    });
  }

  function nothingToCluster(): AppError {
    return errors.validation([
      {
        in: 'body',
        field: 'keywordIds',
        message:
          'selects no keywords to cluster: the sector has no unclustered keywords with status new; import keywords or pass keywordIds',
      },
    ]);
  }

  async function startLexical(auth: AuthContext, requestId: string, body: TRunClustersBody, key?: string) {
    await findSector(auth, body.siteId, body.sectorId);
    const keywords = await runKeywords(auth, body, MAX_CLUSTER_RUN_KEYWORDS);
    if (!keywords.length) throw nothingToCluster();
    const started = await deps.jobs.start(auth, requestId, {
      type: CLUSTER_LEXICAL_JOB,
      siteId: body.siteId,
      payload: {
        siteId: body.siteId,
        sectorId: body.sectorId,
        keywordIds: body.keywordIds ? [...new Set(body.keywordIds)] : null,
        options: body.options ?? {},
      },
      ...(key ? { idempotencyKey: key } : {}),
    });
    return { ...started, keywordCount: keywords.length, heldCredits: 0, model: null } as TClusterRunAccepted;
  }

  async function startAi(auth: AuthContext, requestId: string, body: TRunClustersBody, key?: string) {
    const batchSize = body.options?.batchSize ?? DEFAULT_AI_BATCH;
    const maxClusters = body.options?.maxClusters ?? 20;
    let batches: { ids: string[]; texts: string[] }[] = [];
    const started = await deps.runs.startHeld(auth, requestId, {
      type: CLUSTER_AI_JOB,
      operation: 'auto_cluster',
      siteId: body.siteId,
      body,
      ...(key ? { idempotencyKey: key } : {}),
      estimate: async () => {
        await findSector(auth, body.siteId, body.sectorId);
        const all = await runKeywords(auth, body, MAX_AI_CLUSTER_RUN_KEYWORDS + 1);
        if (all.length > MAX_AI_CLUSTER_RUN_KEYWORDS) {
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: `selects more than ${MAX_AI_CLUSTER_RUN_KEYWORDS} keywords, the most one AI clustering run takes: pass keywordIds in parts, or use method lexical`,
            },
          ]);
        }
        const keywords = all.filter((k) => k.keyword.length <= AI_KEYWORD_MAX_CHARS);
        if (keywords.length < 2) {
          if (!all.length) throw nothingToCluster();
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: 'selects fewer than 2 keywords: AI clustering needs at least 2',
            },
          ]);
        }
        batches = aiBatches(keywords, batchSize);
        let credits = 0;
        let model = '';
        for (const b of batches) {
          const e = await deps.runs.estimate(auth.accountId, body.siteId, 'auto_cluster', {
            keywords: b.texts,
            maxClusters,
          });
          credits += e.credits;
          model = e.model;
        }
        return { credits, model };
      },
      payload: ({ holdId }) => ({
        siteId: body.siteId,
        sectorId: body.sectorId,
        holdId,
        maxClusters,
        batches: batches.map((b) => b.ids),
      }),
    });
    return {
      ...heldRunAccepted(started),
      keywordCount: batches.reduce((n, b) => n + b.ids.length, 0) || 0,
    } as TClusterRunAccepted;
  }

  /**
   * Embedding runs: lexical clusters refined with keyword embeddings. Paid like AI runs for the keywords whose
   * embedding is not in the account's cache yet (hold, 402 when short, Idempotency-Key); when every keyword is
   * cached the run is free and holds nothing (a hold of 0 credits does not exist).
   */
  async function startEmbedding(auth: AuthContext, requestId: string, body: TRunClustersBody, key?: string) {
    let keywordCount = 0;
    let modelKey = '';
    let uncached: string[] = [];
    let credits = 0;
    let planned = false;
    const plan = async () => {
      if (planned) return { credits, model: modelKey };
      await findSector(auth, body.siteId, body.sectorId);
      const all = await runKeywords(auth, body, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS + 1);
      if (!all.length) throw nothingToCluster();
      if (all.length > MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS) {
        throw errors.validation([
          {
            in: 'body',
            field: 'keywordIds',
            message: `selects more than ${MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS} keywords, the most one embedding clustering run takes: pass keywordIds in parts, or use method lexical`,
          },
        ]);
      }
      const model = await deps.engine.embeddingModel(auth.accountId);
      if (!model) {
        throw new AppError(
          'VALIDATION_FAILED',
          'No embedding model is configured: add an OpenAI key (or choose the lexical method).',
          {
            fields: [
              {
                in: 'body',
                field: 'method',
                message:
                  'embedding needs an embedding model, and none is usable: add an OpenAI key in AI settings, or choose method lexical',
              },
            ],
          },
        );
      }
      keywordCount = all.length;
      modelKey = embeddingModelKey(model);
      uncached = await uncachedTexts(
        prisma,
        auth.accountId,
        modelKey,
        all.map((k) => k.normalized),
      );
      credits = uncached.length ? deps.engine.estimateEmbedding(model, uncached) : 0;
      planned = true;
      return { credits, model: modelKey };
    };
    const payload = (holdId: string | null) => ({
      siteId: body.siteId,
      sectorId: body.sectorId,
      keywordIds: body.keywordIds ? [...new Set(body.keywordIds)] : null,
      holdId,
      model: modelKey,
      options: body.options ?? {},
    });
    // A retry of a paid run (same Idempotency-Key) goes through startHeld, which finds it and checks the body.
    const previous = key
      ? await prisma.jobRun.findUnique({
          where: {
            accountId_type_idempotencyKey: {
              accountId: auth.accountId,
              type: CLUSTER_EMBEDDING_JOB,
              idempotencyKey: key,
            },
          },
          select: { requestHash: true },
        })
      : null;
    if (!previous?.requestHash) {
      await plan();
      if (credits === 0) {
        const started = await deps.jobs.start(auth, requestId, {
          type: CLUSTER_EMBEDDING_JOB,
          siteId: body.siteId,
          payload: payload(null),
          ...(key ? { idempotencyKey: key } : {}),
        });
        return { ...started, keywordCount, heldCredits: 0, model: modelKey } as TClusterRunAccepted;
      }
    }
    const started = await deps.runs.startHeld(auth, requestId, {
      type: CLUSTER_EMBEDDING_JOB,
      operation: CLUSTER_EMBEDDING_OPERATION,
      siteId: body.siteId,
      body,
      ...(key ? { idempotencyKey: key } : {}),
      estimate: plan,
      payload: ({ holdId }) => payload(holdId),
    });
    return {
      ...heldRunAccepted(started),
      keywordCount,
    } as TClusterRunAccepted;
  }

  return {
    async startRun(auth: AuthContext, requestId: string, body: TRunClustersBody, idempotencyKey?: string) {
      if (body.method === 'ai') return startAi(auth, requestId, body, idempotencyKey);
      if (body.method === 'embedding') return startEmbedding(auth, requestId, body, idempotencyKey);
      return startLexical(auth, requestId, body, idempotencyKey);
    },

    async list(auth: AuthContext, query: TClustersQuery) {
      const site = await prisma.site.findFirst({ where: { id: query.siteId, accountId: auth.accountId } });
      if (!site) throw errors.notFound('Site', query.siteId);
      if (query.sectorId) await findSector(auth, query.siteId, query.sectorId);
      const spec = sortSpec(query.sort, query.cursor);
      const rows = await prisma.keywordCluster.findMany({
        where: {
          accountId: auth.accountId,
          siteId: query.siteId,
          ...(query.sectorId ? { sectorId: query.sectorId } : {}),
          ...spec.where,
        },
        orderBy: spec.orderBy,
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > query.limit && last ? encodeSortCursor({ s: query.sort, v: spec.key(last), id: last.id }) : null;
      const main = await mainKeywords(prisma, page);
      return { items: page.map((r) => clusterView(r, main)), nextCursor };
    },

    async get(auth: AuthContext, clusterId: string) {
      return detailView(prisma, await findCluster(prisma, auth, clusterId));
    },

    async rename(auth: AuthContext, clusterId: string, name: string) {
      return prisma.$transaction(async (tx) => {
        await findCluster(tx, auth, clusterId, true);
        const row = await tx.keywordCluster.update({ where: { id: clusterId }, data: { name } });
        return detailView(tx, row);
      }, EDIT_TX);
    },

    /** The cluster with the most volume survives (then the oldest) and takes the others' keywords and ideas. */
    async merge(auth: AuthContext, clusterIds: string[], name?: string) {
      const ids = [...new Set(clusterIds)];
      if (ids.length < 2) {
        throw errors.validation([
          { in: 'body', field: 'clusterIds', message: 'must name at least 2 different clusters' },
        ]);
      }
      return prisma.$transaction(async (tx) => {
        const rows: ClusterRow[] = [];
        for (const id of [...ids].sort()) rows.push(await findCluster(tx, auth, id, true));
        const sectorId = rows[0]!.sectorId;
        const other = rows.find((r) => r.sectorId !== sectorId);
        if (other) {
          throw errors.validation([
            {
              in: 'body',
              field: 'clusterIds',
              message: `includes cluster ${other.id} of another sector: merge clusters of one sector`,
            },
          ]);
        }
        rows.sort(
          (a, b) =>
            b.totalVolume - a.totalVolume || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1),
        );
        const survivor = rows[0]!;
        const absorbed = rows.slice(1).map((r) => r.id);
        await tx.keyword.updateMany({ where: { clusterId: { in: absorbed } }, data: { clusterId: survivor.id } });
        await tx.contentIdea.updateMany({ where: { clusterId: { in: absorbed } }, data: { clusterId: survivor.id } });
        await tx.keywordCluster.deleteMany({ where: { id: { in: absorbed } } });
        if (name) await tx.keywordCluster.update({ where: { id: survivor.id }, data: { name } });
        await recomputeClusters(tx, [survivor.id]);
        await refreshCannibalization(tx, survivor.siteId);
        return detailView(tx, await tx.keywordCluster.findUniqueOrThrow({ where: { id: survivor.id } }));
      }, EDIT_TX);
    },

    /** Moves some keywords of a cluster to a new (manual) cluster. */
    async split(auth: AuthContext, clusterId: string, keywordIds: string[], name?: string) {
      return prisma.$transaction(async (tx) => {
        const cluster = await findCluster(tx, auth, clusterId, true);
        const rows = await findKeywords(tx, auth, keywordIds);
        const outside = rows.find((r) => r.clusterId !== cluster.id);
        if (outside) {
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: `includes keyword ${outside.id}, which is not in this cluster`,
            },
          ]);
        }
        if (rows.length >= cluster.keywordCount) {
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: 'selects every keyword of the cluster: leave at least one, or rename the cluster instead',
            },
          ]);
        }
        const top = [...rows].sort(
          (a, b) => (b.volume ?? -1) - (a.volume ?? -1) || (a.normalized < b.normalized ? -1 : 1),
        )[0]!;
        const created = await tx.keywordCluster.create({
          data: {
            accountId: auth.accountId,
            siteId: cluster.siteId,
            sectorId: cluster.sectorId,
            name: name ?? top.keyword.slice(0, 200),
            method: 'manual',
          },
        });
        await tx.keyword.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { clusterId: created.id } });
        await recomputeClusters(tx, [created.id, cluster.id]);
        await refreshCannibalization(tx, cluster.siteId);
        return detailView(tx, await tx.keywordCluster.findUniqueOrThrow({ where: { id: created.id } }));
      }, EDIT_TX);
    },

    /** Moves keywords of the same sector (from any cluster or none) into this cluster. */
    async addKeywords(auth: AuthContext, clusterId: string, keywordIds: string[]) {
      return prisma.$transaction(async (tx) => {
        const cluster = await findCluster(tx, auth, clusterId, true);
        const rows = await findKeywords(tx, auth, keywordIds);
        sameSector(rows, cluster.sectorId, 'keywordIds');
        const previous = rows.map((r) => r.clusterId).filter((c): c is string => !!c && c !== cluster.id);
        await assignKeywords(
          tx,
          rows.map((r) => r.id),
          rows.map(() => cluster.id),
        );
        await recomputeClusters(tx, [cluster.id, ...previous]);
        await refreshCannibalization(tx, cluster.siteId);
        return detailView(tx, await tx.keywordCluster.findUniqueOrThrow({ where: { id: cluster.id } }));
      }, EDIT_TX);
    },

    /** Deletes a cluster; its keywords leave it, and those with status clustered go back to new. */
    async remove(auth: AuthContext, clusterId: string) {
      await prisma.$transaction(async (tx) => {
        await findCluster(tx, auth, clusterId, true);
        await tx.keyword.updateMany({ where: { clusterId, status: 'clustered' }, data: { status: 'new' } });
        await tx.keyword.updateMany({ where: { clusterId }, data: { clusterId: null } });
        await tx.keywordCluster.delete({ where: { id: clusterId } });
      }, EDIT_TX);
    },
  };
}

export type ClustersService = ReturnType<typeof createClustersService>;

/**
 * Batches for the AI: keywords ordered by their lexical clusters (so related keywords travel together and the model
 * can group them), cut into near-equal batches of at most `size` (never a batch of one).
 */
export function aiBatches(
  keywords: { id: string; keyword: string; normalized: string; volume: number | null }[],
  size: number,
) {
  const { clusters } = clusterLexically(
    keywords.map((k) => ({ id: k.id, normalized: k.normalized, volume: k.volume })),
  );
  const byId = new Map(keywords.map((k) => [k.id, k]));
  const ordered = clusters.flatMap((c) => c.keywordIds).map((id) => byId.get(id)!);
  const count = Math.ceil(ordered.length / size);
  const per = Math.ceil(ordered.length / count);
  const batches: { ids: string[]; texts: string[] }[] = [];
  for (let i = 0; i < ordered.length; i += per) {
    const part = ordered.slice(i, i + per);
    batches.push({ ids: part.map((k) => k.id), texts: part.map((k) => k.keyword) });
  }
  const last = batches[batches.length - 1];
  if (batches.length > 1 && last && last.ids.length < 2) {
    const prev = batches[batches.length - 2]!;
    prev.ids.push(...last.ids);
    prev.texts.push(...last.texts);
    batches.pop();
  }
  return batches;
}
