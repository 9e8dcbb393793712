import type { Db } from '../../../db/client.ts';
import { Prisma } from '../../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../../lib/pagination.ts';

/** Keyword imports: the import rows, their stored file chunks and their row errors. */
export function importsData(db: Db) {
  return {
    create(data: Prisma.KeywordImportUncheckedCreateInput) {
      return db.keywordImport.create({ data });
    },

    async addChunk(importId: string, seq: number, data: Buffer<ArrayBuffer>) {
      await db.keywordImportChunk.create({ data: { importId, seq, data } });
    },

    /** The stored chunk number `seq` of an upload, or null past its end. */
    async chunk(importId: string, seq: number): Promise<Buffer | null> {
      const chunk = await db.keywordImportChunk.findUnique({
        where: { importId_seq: { importId, seq } },
        select: { data: true },
      });
      return chunk ? Buffer.from(chunk.data) : null;
    },

    /** The first bytes of a stored upload (its first chunk holds at least HEAD_BYTES unless the file is smaller). */
    async storedHead(importId: string): Promise<Buffer> {
      const chunk = await db.keywordImportChunk.findUnique({
        where: { importId_seq: { importId, seq: 0 } },
        select: { data: true },
      });
      return chunk ? Buffer.from(chunk.data) : Buffer.alloc(0);
    },

    find(accountId: string, importId: string) {
      return db.keywordImport.findFirst({ where: { id: importId, accountId } });
    },

    findById(importId: string) {
      return db.keywordImport.findUnique({ where: { id: importId } });
    },

    findByIdOrThrow(importId: string) {
      return db.keywordImport.findUniqueOrThrow({ where: { id: importId } });
    },

    update(importId: string, data: Prisma.KeywordImportUpdateInput) {
      return db.keywordImport.update({ where: { id: importId }, data });
    },

    /** An import's run starts: importing, its previous error cleared. */
    async markImporting(importId: string) {
      await db.keywordImport.update({ where: { id: importId }, data: { status: 'importing', error: Prisma.DbNull } });
    },

    /** Deletes an import (with its chunks) if it exists. */
    async delete(importId: string) {
      await db.keywordImport.deleteMany({ where: { id: importId } });
    },

    list(accountId: string, siteId: string, cursor: string | undefined, take: number) {
      return db.keywordImport.findMany({
        where: { accountId, siteId, ...afterCursor(cursor) },
        orderBy: newestFirst,
        take,
      });
    },

    /** The five most frequent row errors (texts in quotes folded together). */
    errorSummary(importId: string) {
      return db.$queryRaw<{ reason: string; count: number }[]>`
        SELECT regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS reason, count(*)::int AS count
        FROM "KeywordImportError" WHERE "importId" = ${importId}::uuid
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`;
    },

    /** Row errors after line `after`, in file order. */
    errors(importId: string, after: number, take: number) {
      return db.keywordImportError.findMany({
        where: { importId, line: { gt: after } },
        orderBy: { line: 'asc' },
        take,
        select: { line: true, reason: true, raw: true },
      });
    },

    /**
     * Marks imports failed (those not finished yet) with the reason, and removes what they stored: their chunks and
     * the rows an embedded-database attempt staged before it failed (a PostgreSQL import stages nothing that outlives
     * it).
     */
    async markFailed(where: { id?: string; jobRunId?: string }, code: string, message: string) {
      await db.keywordImport.updateMany({
        where: { ...where, status: { notIn: ['succeeded', 'failed'] } },
        data: { status: 'failed', error: { code, message }, finishedAt: new Date() },
      });
      const rows = await db.keywordImport.findMany({ where: { ...where, status: 'failed' }, select: { id: true } });
      const ids = rows.map((r) => r.id);
      await db.keywordImportChunk.deleteMany({ where: { importId: { in: ids } } });
      await db.keywordImportRow.deleteMany({ where: { importId: { in: ids } } });
    },

    /** An unfinished import goes back to queued, showing why, while its job is retried. */
    async markRetrying(importId: string, code: string, message: string) {
      await db.keywordImport.updateMany({
        where: { id: importId, status: { notIn: ['succeeded', 'failed'] } },
        data: { status: 'queued', error: { code, message } },
      });
    },

    /** Refreshes PostgreSQL's statistics of "Keyword". */
    async analyzeKeywords() {
      await db.$executeRawUnsafe('ANALYZE "Keyword"');
    },
  };
}
