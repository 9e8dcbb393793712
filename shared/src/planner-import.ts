import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

/**
 * Contract of the planner's keyword import: upload a keyword export (multipart) or paste a list (JSON), map its
 * columns when the layout is not recognized, follow the import and download the rows it could not take.
 */

/** The export layouts recognized from their header row; `csv` is any file with a keyword-like column, `custom` a mapping. */
export const IMPORT_FORMATS = ['semrush', 'ahrefs', 'gsc', 'keyword_planner', 'moz', 'list', 'csv', 'custom'] as const;
export const ZImportFormat = z.enum(IMPORT_FORMATS);
export type TImportFormat = z.infer<typeof ZImportFormat>;

export const IMPORT_STATUSES = ['uploaded', 'needs_mapping', 'queued', 'importing', 'succeeded', 'failed'] as const;
export const ZImportStatus = z.enum(IMPORT_STATUSES);
export type TImportStatus = z.infer<typeof ZImportStatus>;

const column = z.string().trim().min(1).max(200);

/** Which column of the file holds what; only `keyword` is required. Names are the file's header cells. */
export const ZImportMapping = z.strictObject({
  keyword: column,
  volume: column.optional(),
  difficulty: column.optional(),
  cpc: column.optional(),
  intent: column.optional(),
});
export type TImportMapping = z.infer<typeof ZImportMapping>;

export const ZImportMappingBody = z.strictObject({ mapping: ZImportMapping });
export type TImportMappingBody = z.infer<typeof ZImportMappingBody>;

/** The JSON form of the import route: a pasted list (one keyword per line, or CSV/TSV text with a header). */
export const ZPastedImportBody = z.strictObject({
  siteId: z.uuid({ message: 'must be a site id (UUID)' }),
  sectorId: z.uuid({ message: 'must be a sector id (UUID)' }),
  text: z.string().min(1, { message: 'is empty: paste at least one keyword' }),
  format: ZImportFormat.optional(),
  mapping: ZImportMapping.optional(),
});
export type TPastedImportBody = z.infer<typeof ZPastedImportBody>;

/** The multipart form fields sent before the file (or as query parameters). */
export const ZImportUploadFields = z.object({
  siteId: z.uuid({ message: 'must be a site id (UUID)' }),
  sectorId: z.uuid({ message: 'must be a sector id (UUID)' }),
  format: ZImportFormat.optional(),
  mapping: ZImportMapping.optional(),
});
export type TImportUploadFields = z.infer<typeof ZImportUploadFields>;

export const ZImportUploadQuery = z.object({
  siteId: z.uuid({ message: 'must be a site id (UUID)' }).optional(),
  sectorId: z.uuid({ message: 'must be a sector id (UUID)' }).optional(),
});

/** Answer of the import route: queued (202) with its job, or waiting for a column mapping (201). */
export const ZImportStarted = z.object({
  importId: z.uuid(),
  status: ZImportStatus,
  format: ZImportFormat.nullable(),
  /** Set when the import job was queued. */
  jobId: z.uuid().nullable(),
  pollUrl: z.string().nullable(),
  /** Set when status is needs_mapping: the header cells, a few rows, and what to send. */
  columns: z.array(z.string()).optional(),
  sampleRows: z.array(z.array(z.string())).optional(),
  message: z.string().optional(),
});
export type TImportStarted = z.infer<typeof ZImportStarted>;

export const ZKeywordImport = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  fileName: z.string().nullable(),
  byteSize: z.number().int(),
  encoding: z.string().nullable(),
  format: ZImportFormat.nullable(),
  mapping: ZImportMapping.nullable(),
  status: ZImportStatus,
  jobId: z.uuid().nullable(),
  /** Data rows read from the file. */
  rowsTotal: z.number().int(),
  /** New keywords added to the sector. */
  rowsInserted: z.number().int(),
  /** Keywords already in the sector whose metrics were updated. */
  rowsUpdated: z.number().int(),
  /** Rows refused (see the errors). */
  rowsFailed: z.number().int(),
  /** Rows repeating a keyword already seen in the same file (the last one counts). */
  rowsDuplicate: z.number().int(),
  /** When the whole file was refused or the import failed. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The most common row errors, for a summary. */
  errorSummary: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /** Set while status is needs_mapping. */
  columns: z.array(z.string()).optional(),
  sampleRows: z.array(z.array(z.string())).optional(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TKeywordImport = z.infer<typeof ZKeywordImport>;

export const ZImportParams = z.object({ importId: z.uuid({ message: 'must be an import id (UUID)' }) });

export const ZImportListQuery = ZPageQuery.extend({ siteId: z.uuid({ message: 'must be a site id (UUID)' }) });
export type TImportListQuery = z.infer<typeof ZImportListQuery>;

export const ZImportRowError = z.object({
  /** Line number in the file as a text editor counts it (the header and title lines included). */
  line: z.number().int(),
  reason: z.string(),
  raw: z.string(),
});
export type TImportRowError = z.infer<typeof ZImportRowError>;

export const ZImportErrorsQuery = ZPageQuery;
