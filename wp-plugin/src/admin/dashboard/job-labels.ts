import { __ } from '@wordpress/i18n';
import type { TJobRun, TJobStatus } from '@igny8/shared';

/** A job's type in the product's words (the server's job types are in each module's contracts.ts under server/src/modules). */
export const jobTypeText = (type: string): string => {
  switch (type) {
    case 'planner.keyword_import':
      return __('Import keywords', 'igny8');
    case 'planner.sync_site_posts':
      return __("Read this site's posts and pages", 'igny8');
    case 'planner.cluster_lexical':
    case 'planner.cluster_embedding':
    case 'planner.cluster_ai':
    case 'ai.auto_cluster':
      return __('Cluster keywords', 'igny8');
    case 'planner.generate_ideas':
    case 'ai.generate_ideas':
      return __('Suggest article ideas', 'igny8');
    case 'writer.generate_content':
    case 'ai.generate_content':
      return __('Write article', 'igny8');
    case 'writer.regenerate_section':
      return __('Rewrite a section', 'igny8');
    case 'writer.generate_images':
    case 'ai.generate_images':
    case 'ai.generate_image_prompts':
      return __('Make images', 'igny8');
    case 'writer.regenerate_image':
      return __('Make an image again', 'igny8');
    case 'publisher.publish':
      return __('Publish', 'igny8');
    case 'publisher.unpublish':
      return __('Take down a post', 'igny8');
    case 'connect.site_health':
      return __('Check the connection', 'igny8');
    case 'automation.run':
      return __('Automation run', 'igny8');
    case 'automation.scheduled':
      return __('Start a scheduled automation run', 'igny8');
    default:
      return type;
  }
};

export const jobStatusText = (status: TJobStatus): string =>
  ({
    queued: __('Waiting to start', 'igny8'),
    running: __('Running', 'igny8'),
    succeeded: __('Done', 'igny8'),
    failed: __('Failed', 'igny8'),
    cancelled: __('Cancelled', 'igny8'),
  })[status] ?? status;

/** When a job started (or was asked for, while it waits). */
export const jobStartedAt = (job: Pick<TJobRun, 'startedAt' | 'createdAt'>): string =>
  new Date(job.startedAt ?? job.createdAt).toLocaleString();
