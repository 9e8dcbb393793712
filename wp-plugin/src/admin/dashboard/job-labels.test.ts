import { describe, expect, it } from 'vitest';
import type { TJobRun } from '@igny8/shared';
import { isActive } from '../../store/jobs';
import { jobRunFixture } from '../../store/jobs/job-run.fixture';
import { jobStatusText, jobTypeText } from './job-labels';

const job = (status: TJobRun['status']): TJobRun => jobRunFixture({ type: 'planner.keyword_import', status });

describe('recent jobs', () => {
  it("names the server's job types in the product's words, and unknown ones as they are", () => {
    expect(jobTypeText('planner.keyword_import')).toBe('Import keywords');
    expect(jobTypeText('planner.cluster_lexical')).toBe('Cluster keywords');
    expect(jobTypeText('planner.generate_ideas')).toBe('Suggest article ideas');
    expect(jobTypeText('writer.generate_content')).toBe('Write article');
    expect(jobTypeText('writer.generate_images')).toBe('Make images');
    expect(jobTypeText('publisher.publish')).toBe('Publish');
    expect(jobTypeText('connect.site_health')).toBe('Check the connection');
    expect(jobTypeText('something.new')).toBe('something.new');
    expect(jobStatusText('queued')).toBe('Waiting to start');
  });

  it('keeps polling only while a job is queued or running', () => {
    expect(
      ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => isActive(job(s as TJobRun['status']))),
    ).toEqual([true, true, false, false, false]);
  });
});
