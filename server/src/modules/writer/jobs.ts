import type { JobDefinition } from '../../jobs/definition.ts';
import type { WriterJobDeps } from './deps.ts';
import { writerImageJobs } from './jobs-images.ts';
import { writerContentJobs } from './jobs-content.ts';
import { writerEditorJobs } from './jobs-editor.ts';

/** Every job type of the writer. */
export function writerJobs(deps: WriterJobDeps): JobDefinition[] {
  return [...writerContentJobs(deps), ...writerImageJobs(deps), ...writerEditorJobs(deps)];
}
