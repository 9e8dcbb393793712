/** A job for tests, as `GET jobs/:id` answers it (the whole contract's shape): queued, with `fields` changed. */
import type { TJobRun } from '@igny8/shared';

export const jobRunFixture = (fields: Partial<TJobRun> = {}): TJobRun => ({
  id: 'job-1',
  type: 'writer.generate_content',
  status: 'queued',
  progress: 0,
  currentStep: null,
  steps: [],
  result: null,
  error: null,
  attempts: 0,
  retryOf: null,
  siteId: null,
  requestId: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  updatedAt: '2026-01-01T00:00:00Z',
  ...fields,
});
