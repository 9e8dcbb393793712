import { describe, expect, it } from 'vitest';
import { isActive, type JobRun } from '../../store/jobs';
import { jobStatusText, jobTypeText } from './job-labels';

const job = (status: JobRun['status']): JobRun => ({
  id: 'job-1',
  type: 'planner.keyword_import',
  status,
  progress: 0,
  currentStep: null,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
});

describe('recent jobs', () => {
  it("names the server's job types in the product's words, and unknown ones as they are", () => {
    expect(jobTypeText('planner.keyword_import')).toBe('Import keywords');
    expect(jobTypeText('planner.cluster_lexical')).toBe('Cluster keywords');
    expect(jobTypeText('planner.generate_ideas')).toBe('Suggest article ideas');
    expect(jobTypeText('writer.generate_content')).toBe('Write article');
    expect(jobTypeText('writer.generate_images')).toBe('Make images');
    expect(jobTypeText('publisher.publish')).toBe('Publish');
    expect(jobTypeText('something.new')).toBe('something.new');
    expect(jobStatusText('queued')).toBe('Waiting to start');
  });

  it('keeps polling only while a job is queued or running', () => {
    expect(
      ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => isActive(job(s as JobRun['status']))),
    ).toEqual([true, true, false, false, false]);
  });
});
