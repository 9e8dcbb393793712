import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import {
  pageOf,
  ZImportErrorsQuery,
  ZImportListQuery,
  ZImportMappingBody,
  ZImportParams,
  ZImportRowError,
  ZImportStarted,
  ZImportUploadFields,
  ZImportUploadQuery,
  ZKeywordImport,
  ZPastedImportBody,
} from '@igny8/shared';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import type { z } from 'zod';
import { AppError } from '../../errors.ts';
import { ok, reply } from '../../lib/envelope.ts';
import type { PlannerServices } from './index.ts';

const security = [{ bearer: [] }];
const tags = ['planner'];

/** A zod failure of a body read by hand (multipart fields, the pasted form) as the usual 422. */
function invalid(error: z.ZodError, where = 'body'): AppError {
  const fields = error.issues.map((i) => ({ in: where, field: i.path.join('.'), message: i.message }));
  const summary = fields.map((f) => `${f.in}${f.field ? `.${f.field}` : ''}: ${f.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', `Some fields are invalid. ${summary}`, { fields });
}

function fieldValue(part: MultipartFile, name: string): string | undefined {
  const field = part.fields[name];
  const value = Array.isArray(field) ? field[0] : field;
  return value && value.type === 'field' ? String((value as MultipartValue).value) : undefined;
}

function parseMappingField(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      'The mapping field is not valid JSON: send {"keyword": "Column name", ...}.',
      {
        fields: [{ in: 'body', field: 'mapping', message: 'is not valid JSON' }],
      },
    );
  }
}

const UPLOAD_DESCRIPTION = `Two forms:

* **multipart/form-data** (a file): fields \`siteId\`, \`sectorId\`, optional \`format\` (${'`semrush`, `ahrefs`, `gsc`, `keyword_planner`, `moz`, `list`, `csv`'}) and optional \`mapping\` (JSON), sent **before** the file part (or siteId and sectorId as query parameters), then one file: CSV or TSV, UTF-8 (with or without BOM) or UTF-16 (Keyword Planner's export).
* **application/json** (a pasted list): \`{ siteId, sectorId, text, format?, mapping? }\`.

A recognized layout answers 202 with the import job to poll; unrecognized columns answer 201 with status \`needs_mapping\`, the columns and sample rows (then POST /planner/imports/{importId}/mapping). Empty, binary, wrongly encoded files and files without keyword rows answer 422; files over the size limit 413. Nothing is kept from a refused file.`;

export const plannerImportRoutes: FastifyPluginAsyncZod<PlannerServices> = async (app, { imports }) => {
  const { maxBytes } = imports;
  // Only this plugin accepts multipart bodies; busboy stops reading a file one byte past the limit.
  await app.register(multipart, {
    limits: { fileSize: maxBytes + 1, files: 1, fields: 10, fieldSize: 100_000, parts: 12 },
    throwFileSizeLimit: false,
  });

  app.post('/keywords/import', {
    config: { auth: { role: 'editor', scope: 'planner:write' } },
    bodyLimit: 16 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Import keywords from an export file (multipart) or a pasted list (JSON)',
      description: UPLOAD_DESCRIPTION,
      security,
      consumes: ['multipart/form-data', 'application/json'],
      querystring: ZImportUploadQuery,
      response: { 201: reply(ZImportStarted), 202: reply(ZImportStarted) },
    },
    handler: async (request, res) => {
      let result;
      if (request.isMultipart()) {
        let part: MultipartFile | undefined;
        try {
          part = await request.file();
        } catch (error) {
          throw new AppError('BAD_REQUEST', `The multipart body could not be read: ${(error as Error).message}.`);
        }
        if (!part) {
          throw new AppError('VALIDATION_FAILED', 'Attach the keyword file (a CSV or TSV export) as the file part.', {
            fields: [{ in: 'body', field: 'file', message: 'is missing' }],
          });
        }
        const fields = ZImportUploadFields.safeParse({
          siteId: fieldValue(part, 'siteId') ?? request.query.siteId,
          sectorId: fieldValue(part, 'sectorId') ?? request.query.sectorId,
          format: fieldValue(part, 'format') || undefined,
          mapping: parseMappingField(fieldValue(part, 'mapping')),
        });
        if (!fields.success) {
          part.file.resume();
          throw invalid(fields.error);
        }
        result = await imports.upload(request.auth, request.id, {
          ...fields.data,
          fileName: part.filename || null,
          body: part.file,
        });
      } else {
        const body = ZPastedImportBody.safeParse(request.body ?? {});
        if (!body.success) throw invalid(body.error);
        const { text, ...rest } = body.data;
        const bytes = Buffer.from(text, 'utf8');
        result = await imports.upload(request.auth, request.id, {
          ...rest,
          fileName: null,
          body: Readable.from([bytes]),
        });
      }
      return res.status(result.status === 'needs_mapping' ? 201 : 202).send(ok(result));
    },
  });

  app.post('/imports/:importId/mapping', {
    config: { auth: { role: 'editor', scope: 'planner:write' } },
    schema: {
      tags,
      summary: 'Choose the columns of an import whose layout was not recognized, and start it',
      security,
      params: ZImportParams,
      body: ZImportMappingBody,
      response: { 202: reply(ZImportStarted) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(ok(await imports.setMapping(request.auth, request.id, request.params.importId, request.body.mapping))),
  });

  app.get('/imports', {
    config: { auth: { scope: 'planner:read' } },
    schema: {
      tags,
      summary: "A site's keyword imports, newest first",
      security,
      querystring: ZImportListQuery,
      response: { 200: reply(pageOf(ZKeywordImport)) },
    },
    handler: async (request) => ok(await imports.list(request.auth, request.query)),
  });

  app.get('/imports/:importId', {
    config: { auth: { scope: 'planner:read' } },
    schema: {
      tags,
      summary: 'A keyword import: status, format, counts and a summary of its row errors',
      security,
      params: ZImportParams,
      response: { 200: reply(ZKeywordImport) },
    },
    handler: async (request) => ok(await imports.get(request.auth, request.params.importId)),
  });

  app.get('/imports/:importId/errors', {
    config: { auth: { scope: 'planner:read' } },
    schema: {
      tags,
      summary: 'The rows an import refused (file line and reason), in file order',
      security,
      params: ZImportParams,
      querystring: ZImportErrorsQuery,
      response: { 200: reply(pageOf(ZImportRowError)) },
    },
    handler: async (request) => ok(await imports.errors(request.auth, request.params.importId, request.query)),
  });

  app.get('/imports/:importId/errors.csv', {
    config: { auth: { scope: 'planner:read' } },
    schema: {
      tags,
      summary: 'The rows an import refused, as a CSV download (line, reason, raw)',
      security,
      params: ZImportParams,
      produces: ['text/csv'],
    },
    handler: async (request, res) => {
      const { importId } = request.params;
      await imports.find(request.auth, importId);
      const pages = imports.allErrors(request.auth, importId);
      const rows = Readable.from(
        (async function* () {
          for await (const page of pages) for (const e of page) yield [e.line, e.reason, e.raw];
        })(),
      );
      const csv = stringify({ header: true, columns: ['line', 'reason', 'raw'], bom: true });
      rows.on('error', (error) => csv.destroy(error));
      rows.pipe(csv);
      return res
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="keyword-import-${importId}-errors.csv"`)
        .send(csv);
    },
  });
};
