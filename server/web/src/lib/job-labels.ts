import { __ } from '@wordpress/i18n';

/** What each job type does, in the product's words (the raw queue name is for logs, not people). */
const LABELS: Record<string, () => string> = {
  'accounts.export': () => __('Account export', 'igny8'),
  'connect.site_health': () => __('Connection check', 'igny8'),
  'notifications.send_mail': () => __('Email', 'igny8'),
  'planner.keyword_import': () => __('Keyword import', 'igny8'),
  'planner.cluster_lexical': () => __('Keyword clustering', 'igny8'),
  'planner.cluster_embedding': () => __('Keyword clustering (meaning)', 'igny8'),
  'planner.cluster_ai': () => __('Keyword clustering (AI)', 'igny8'),
  'planner.generate_ideas': () => __('Article ideas', 'igny8'),
  'planner.sync_site_posts': () => __('Sync of existing posts', 'igny8'),
  'writer.generate_content': () => __('Article writing', 'igny8'),
  'writer.regenerate_section': () => __('Section rewrite', 'igny8'),
  'writer.generate_images': () => __('Article images', 'igny8'),
  'writer.regenerate_image': () => __('Image remake', 'igny8'),
  'writer.rewrite_block': () => __('Block rewrite', 'igny8'),
  'writer.editor_image': () => __('Featured image', 'igny8'),
  'publisher.publish': () => __('Publishing', 'igny8'),
  'publisher.unpublish': () => __('Unpublishing', 'igny8'),
  'ai.auto_cluster': () => __('AI clustering', 'igny8'),
  'ai.generate_ideas': () => __('AI ideas', 'igny8'),
  'ai.generate_content': () => __('AI writing', 'igny8'),
  'ai.generate_image_prompts': () => __('AI image prompts', 'igny8'),
  'ai.generate_images': () => __('AI images', 'igny8'),
  'automation.run': () => __('Automation run', 'igny8'),
  'automation.scheduled': () => __('Scheduled automation start', 'igny8'),
};

/** A job type as people read it; an unknown type is shown as "Other job" rather than its queue name. */
export function jobLabel(type: string): string {
  return LABELS[type]?.() ?? __('Other job', 'igny8');
}

export const JOB_STATUS_LABELS: Record<string, () => string> = {
  queued: () => __('Queued', 'igny8'),
  running: () => __('Running', 'igny8'),
  succeeded: () => __('Done', 'igny8'),
  failed: () => __('Failed', 'igny8'),
  cancelled: () => __('Cancelled', 'igny8'),
};
