import type {
  TImportFormat,
  TImportListQuery,
  TImportMapping,
  TImportRowError,
  TImportStarted,
  TKeywordImport,
  TPageQuery,
} from '@igny8/shared';
import { AppError, errors } from '../../../errors.ts';
import type { KeywordImport, Prisma } from '../../../generated/prisma/client.ts';
import type { JobQueue } from '../../../jobs/queue.ts';
import { pageFrom } from '../../../lib/pagination.ts';
import { iso } from '../../../lib/serialize.ts';
import type { AuthContext } from '../../auth/credentials.ts';
import { keywordImportJob } from '../contracts.ts';
import type { PlannerData } from '../data/index.ts';
import { FileDecoder, fileError, HEAD_BYTES, planImport, sniffEncoding, type ImportPlan } from './file.ts';

/** Bytes per stored chunk of an upload. */
export const CHUNK_BYTES = 1024 * 1024;

export interface ImportServiceDeps {
  data: PlannerData;
  queue: JobQueue;
  /** Largest file accepted, in bytes. */
  maxBytes: number;
}

export interface UploadRequest {
  siteId: string;
  sectorId: string;
  fileName: string | null;
  format?: TImportFormat | undefined;
  mapping?: TImportMapping | undefined;
  /** The file's bytes, in order. */
  body: AsyncIterable<Buffer>;
}

function tooLarge(maxBytes: number): AppError {
  const mb = Math.floor(maxBytes / (1024 * 1024));
  const limit = mb >= 1 ? `${mb} MB` : `${maxBytes} bytes`;
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than the import limit of ${limit}: split it into files of at most ${limit} (keeping the header row in each) and import them one by one.`,
    { limitBytes: maxBytes },
  );
}

/** The stored import as the API shows it. */
export function importView(
  row: KeywordImport,
  extra: { errorSummary?: { reason: string; count: number }[]; plan?: ImportPlan | null } = {},
): TKeywordImport {
  return {
    id: row.id,
    siteId: row.siteId,
    sectorId: row.sectorId,
    fileName: row.fileName,
    byteSize: row.byteSize,
    encoding: row.encoding,
    format: (row.format as TImportFormat | null) ?? null,
    mapping: (row.mapping as TImportMapping | null) ?? null,
    status: row.status as TKeywordImport['status'],
    jobId: row.jobRunId,
    rowsTotal: row.rowsTotal,
    rowsInserted: row.rowsInserted,
    rowsUpdated: row.rowsUpdated,
    rowsFailed: row.rowsFailed,
    rowsDuplicate:
      row.status === 'succeeded' ? Math.max(0, row.rowsTotal - row.rowsFailed - row.rowsInserted - row.rowsUpdated) : 0,
    error: (row.error as TKeywordImport['error']) ?? null,
    errorSummary: extra.errorSummary ?? [],
    ...(extra.plan ? { columns: extra.plan.columns, sampleRows: extra.plan.sampleRows } : {}),
    createdAt: iso(row.createdAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function createImportService({ data, queue, maxBytes }: ImportServiceDeps) {
  async function checkSector(auth: AuthContext, siteId: string, sectorId: string) {
    const site = await data.scope.findSite(auth.accountId, siteId);
    if (!site) throw errors.notFound('Site', siteId);
    const sector = await data.scope.findSector(auth.accountId, siteId, sectorId);
    if (!sector) throw errors.notFound('Sector', sectorId);
  }

  async function find(auth: AuthContext, importId: string) {
    const row = await data.imports.find(auth.accountId, importId);
    if (!row) throw errors.notFound('Import', importId);
    return row;
  }

  /** Queues the import job for a recognized (or mapped) file, in one transaction with the import's new state. */
  async function enqueue(
    auth: AuthContext,
    requestId: string,
    row: KeywordImport,
    changes: Prisma.KeywordImportUpdateInput,
  ) {
    return data.transaction(async (d, tx) => {
      const run = await queue.enqueue(tx, {
        type: keywordImportJob.type,
        accountId: auth.accountId,
        payload: { importId: row.id },
        siteId: row.siteId,
        requestId,
        createdById: auth.userId,
      });
      return d.imports.update(row.id, { ...changes, status: 'queued', jobRunId: run.id });
    });
  }

  function started(row: KeywordImport, plan: ImportPlan | null): TImportStarted {
    if (row.status === 'needs_mapping') {
      return {
        importId: row.id,
        status: 'needs_mapping',
        format: null,
        jobId: null,
        pollUrl: null,
        columns: plan?.columns ?? [],
        sampleRows: plan?.sampleRows ?? [],
        message:
          'The columns of this file were not recognized: choose which column holds the keyword (and optionally ' +
          `volume, difficulty, CPC and intent) with POST /api/v1/planner/imports/${row.id}/mapping.`,
      };
    }
    return {
      importId: row.id,
      status: row.status as TImportStarted['status'],
      format: row.format as TImportFormat,
      jobId: row.jobRunId,
      pollUrl: row.jobRunId ? `/api/v1/jobs/${row.jobRunId}` : null,
    };
  }

  return {
    /** Largest file accepted, in bytes. */
    maxBytes,

    checkSector,

    /**
     * Stores an upload in chunks as it streams in (never the whole file in memory), refusing it as soon as it is
     * known to be binary, wrongly encoded or too large; then recognizes its layout and queues the import, or asks
     * for a mapping. A refused file leaves nothing behind.
     */
    async upload(auth: AuthContext, requestId: string, request: UploadRequest): Promise<TImportStarted> {
      await checkSector(auth, request.siteId, request.sectorId);
      const row = await data.imports.create({
        accountId: auth.accountId,
        siteId: request.siteId,
        sectorId: request.sectorId,
        createdById: auth.userId,
        fileName: request.fileName,
        status: 'uploaded',
      });
      try {
        let total = 0;
        let seq = 0;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        let head: Buffer | null = null;
        // Checks every byte against the file's encoding as it streams in (the text itself is not kept).
        let decoder: FileDecoder | null = null;
        const headParts: Buffer[] = [];
        const flush = async () => {
          if (pendingBytes === 0) return;
          const bytes = Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await data.imports.addChunk(row.id, seq++, bytes);
        };
        const checkHead = (bytes: Buffer) => {
          head = bytes;
          decoder = new FileDecoder(sniffEncoding(bytes));
          for (const part of headParts) decoder.write(part);
        };
        for await (const piece of request.body) {
          const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
          total += buf.length;
          if (total > maxBytes) throw tooLarge(maxBytes);
          if (head === null) {
            headParts.push(buf);
            if (total >= HEAD_BYTES) checkHead(Buffer.concat(headParts));
          } else {
            (decoder as FileDecoder | null)?.write(buf);
          }
          pending.push(buf);
          pendingBytes += buf.length;
          if (pendingBytes >= CHUNK_BYTES) await flush();
        }
        if (head === null) checkHead(Buffer.concat(headParts));
        (decoder as FileDecoder | null)?.end();
        await flush();
        const plan = planImport((head as Buffer | null) ?? Buffer.alloc(0), {
          complete: total <= HEAD_BYTES,
          format: request.format,
          mapping: request.mapping,
        });
        const base = {
          byteSize: total,
          encoding: plan.encoding,
          ...(request.mapping ? { mapping: request.mapping } : {}),
        };
        if (!plan.columns_plan) {
          const updated = await data.imports.update(row.id, { ...base, format: 'custom', status: 'needs_mapping' });
          return started(updated, plan);
        }
        const queued = await enqueue(auth, requestId, row, { ...base, format: plan.format });
        return started(queued, plan);
      } catch (error) {
        await data.imports.delete(row.id);
        throw error;
      }
    },

    /** Sets the column mapping of an import that needs one, checked against the file's columns, and queues it. */
    async setMapping(auth: AuthContext, requestId: string, importId: string, mapping: TImportMapping) {
      const row = await find(auth, importId);
      if (row.status !== 'needs_mapping') {
        throw new AppError(
          'CONFLICT',
          `Import ${importId} does not need a mapping: it is ${row.status.replace('_', ' ')}. Upload the file again to import it with other columns.`,
        );
      }
      planImport((await data.imports.storedHead(row.id)).subarray(0, HEAD_BYTES), {
        complete: row.byteSize <= HEAD_BYTES,
        format: 'custom',
        mapping,
      });
      const queued = await enqueue(auth, requestId, row, { mapping, format: 'custom' });
      return started(queued, null);
    },

    async list(auth: AuthContext, query: TImportListQuery) {
      const site = await data.scope.findSite(auth.accountId, query.siteId);
      if (!site) throw errors.notFound('Site', query.siteId);
      const rows = await data.imports.list(auth.accountId, query.siteId, query.cursor, query.limit + 1);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map((r) => importView(r)), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, importId: string): Promise<TKeywordImport> {
      const row = await find(auth, importId);
      const summary = await data.imports.errorSummary(row.id);
      let plan: ImportPlan | null = null;
      if (row.status === 'needs_mapping') {
        plan = planImport((await data.imports.storedHead(row.id)).subarray(0, HEAD_BYTES), {
          complete: row.byteSize <= HEAD_BYTES,
          format: 'custom',
        });
      }
      return importView(row, { errorSummary: summary, plan });
    },

    /** Row errors in file order; the cursor is the last line seen. */
    async errors(auth: AuthContext, importId: string, query: TPageQuery) {
      const row = await find(auth, importId);
      const after = query.cursor ? Number.parseInt(Buffer.from(query.cursor, 'base64url').toString(), 10) : 0;
      if (Number.isNaN(after)) {
        throw errors.badRequest('The cursor is not valid: pass back nextCursor from the previous page unchanged.', {
          field: 'cursor',
        });
      }
      const rows = await data.imports.errors(row.id, after, query.limit + 1);
      const more = rows.length > query.limit;
      const items: TImportRowError[] = rows.slice(0, query.limit);
      return {
        items,
        nextCursor: more ? Buffer.from(String(items[items.length - 1]!.line)).toString('base64url') : null,
      };
    },

    /** All row errors in file order, page by page, for the CSV download. */
    async *allErrors(auth: AuthContext, importId: string): AsyncGenerator<TImportRowError[]> {
      const row = await find(auth, importId);
      let after = 0;
      for (;;) {
        const rows = await data.imports.errors(row.id, after, 5_000);
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1]!.line;
      }
    },

    /** The checks of an import's owner, for routes that stream. */
    find,
  };
}

export type ImportService = ReturnType<typeof createImportService>;

export { fileError };
