import { defineJob, type JobDefinition } from '../../jobs/definition.ts';
import { JobCancelledError, PermanentJobError } from '../../jobs/errors.ts';
import { keywordImportJob } from './contracts.ts';
import { runImport, type ImportHooks } from './import/run.ts';
import type { PlannerJobDeps } from './jobs.ts';

const RETRY_LIMIT = 2;

/**
 * After an import this large, PostgreSQL's statistics of "Keyword" are refreshed at once instead of whenever
 * autovacuum gets to it: with stale statistics the planner scanned and sorted a whole site for a filtered list
 * (measured with 100,000 new keywords: p50 85 ms filtered and 113 ms by intent, against 3.5 and 4.9 ms after
 * ANALYZE). ANALYZE samples a fixed number of rows, so it costs about the same for any table size.
 */
const ANALYZE_AFTER_ROWS = 5_000;

/**
 * planner.keyword_import: reads an uploaded keyword file into the sector's keywords (free: no credits). The import
 * is all or nothing (see runImport), so retries after a crash or a database hiccup start clean and never double
 * anything. The import row follows the job: importing, succeeded, or failed with the reason.
 */
export function plannerImportJobs(
  deps: Pick<PlannerJobDeps, 'data' | 'databaseUrl'>,
  hooks: ImportHooks = {},
): JobDefinition[] {
  const { data } = deps;
  const markFailed = data.imports.markFailed;

  async function refreshKeywordStatistics(log: { warn: (obj: object, msg: string) => void }) {
    try {
      await data.imports.analyzeKeywords();
    } catch (error) {
      // Only an optimisation: the import itself succeeded.
      log.warn({ err: error }, 'ANALYZE "Keyword" after an import failed');
    }
  }

  return [
    defineJob({
      ...keywordImportJob,
      retryLimit: RETRY_LIMIT,
      retryDelay: 3,
      retryDelayMax: 60,
      expireInSeconds: 2 * 3_600,
      handler: async (ctx, payload) => {
        try {
          const summary = await runImport(ctx, data, payload.importId, hooks, { databaseUrl: deps.databaseUrl });
          if (summary.rowsInserted >= ANALYZE_AFTER_ROWS) await refreshKeywordStatistics(ctx.log);
          return summary;
        } catch (error) {
          if (error instanceof JobCancelledError) throw error;
          // A problem of the file itself (bytes, quotes, columns, no rows) comes as a PermanentJobError: the next
          // attempt would meet it again, so the import fails at once with what to fix. Anything else (a lost
          // database connection) is retried; the worker logs the technical cause.
          const permanent = error instanceof PermanentJobError;
          const last = permanent || ctx.attempt > RETRY_LIMIT;
          const message = permanent
            ? error.message
            : last
              ? 'The import was interrupted by a problem on our side, not in the file, and nothing was imported; ' +
                'upload the file again.'
              : 'The import was interrupted by a problem on our side, not in the file, and nothing was imported; ' +
                `it is being retried (attempt ${ctx.attempt + 1} of ${RETRY_LIMIT + 1}).`;
          if (last) {
            await markFailed({ id: payload.importId }, permanent ? error.code : 'IMPORT_FAILED', message);
          } else {
            await data.imports.markRetrying(payload.importId, 'IMPORT_RETRYING', message);
          }
          throw error;
        }
      },
      // Cancelled (queued or running) or failed for good: the import shows why and its chunks go.
      onFailure: async ({ jobId }) => {
        await markFailed(
          { jobRunId: jobId },
          'IMPORT_CANCELLED',
          'The import was cancelled or stopped before it finished; nothing was imported. Upload the file again to import it.',
        );
      },
    }),
  ];
}
