import { errors } from '../../errors.ts';
import type { KeywordCluster } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { detailView, findCluster, findKeywords, sameSector } from './clusters-read.ts';
import type { PlannerData } from './data/index.ts';

const EDIT_TX = { maxWait: 10_000, timeout: 60_000 };

/** The manual edits of clusters: rename, merge, split, move keywords in, delete. */
export function createClustersEditService({ data }: { data: PlannerData }) {
  return {
    async rename(auth: AuthContext, clusterId: string, name: string) {
      return data.transaction(async (d) => {
        await findCluster(d, auth, clusterId, true);
        const row = await d.clusters.rename(clusterId, name);
        return detailView(d, row);
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
      return data.transaction(async (d) => {
        const rows: KeywordCluster[] = [];
        for (const id of [...ids].sort()) rows.push(await findCluster(d, auth, id, true));
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
        await d.clusters.absorb(
          survivor.id,
          rows.slice(1).map((r) => r.id),
          name,
        );
        await d.clusters.recompute([survivor.id]);
        await d.clusters.refreshCannibalization(survivor.siteId);
        return detailView(d, await d.clusters.findClusterOrThrow(survivor.id));
      }, EDIT_TX);
    },

    /** Moves some keywords of a cluster to a new (manual) cluster. */
    async split(auth: AuthContext, clusterId: string, keywordIds: string[], name?: string) {
      return data.transaction(async (d) => {
        const cluster = await findCluster(d, auth, clusterId, true);
        const rows = await findKeywords(d, auth, keywordIds);
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
        const created = await d.clusters.createManual({
          accountId: auth.accountId,
          siteId: cluster.siteId,
          sectorId: cluster.sectorId,
          name: name ?? top.keyword.slice(0, 200),
        });
        await d.clusters.moveKeywords(
          rows.map((r) => r.id),
          created.id,
        );
        await d.clusters.recompute([created.id, cluster.id]);
        await d.clusters.refreshCannibalization(cluster.siteId);
        return detailView(d, await d.clusters.findClusterOrThrow(created.id));
      }, EDIT_TX);
    },

    /** Moves keywords of the same sector (from any cluster or none) into this cluster. */
    async addKeywords(auth: AuthContext, clusterId: string, keywordIds: string[]) {
      return data.transaction(async (d) => {
        const cluster = await findCluster(d, auth, clusterId, true);
        const rows = await findKeywords(d, auth, keywordIds);
        sameSector(rows, cluster.sectorId, 'keywordIds');
        const previous = rows.map((r) => r.clusterId).filter((c): c is string => !!c && c !== cluster.id);
        await d.clusters.assignKeywords(
          rows.map((r) => r.id),
          rows.map(() => cluster.id),
        );
        await d.clusters.recompute([cluster.id, ...previous]);
        await d.clusters.refreshCannibalization(cluster.siteId);
        return detailView(d, await d.clusters.findClusterOrThrow(cluster.id));
      }, EDIT_TX);
    },

    /** Deletes a cluster; its keywords leave it, and those with status clustered go back to new. */
    async remove(auth: AuthContext, clusterId: string) {
      await data.transaction(async (d) => {
        await findCluster(d, auth, clusterId, true);
        await d.clusters.deleteCluster(clusterId);
      }, EDIT_TX);
    },
  };
}

export type ClustersEditService = ReturnType<typeof createClustersEditService>;
