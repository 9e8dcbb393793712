import { __ } from '@wordpress/i18n';
import type { PostStatus } from '../../store/settings';

export const postStatusText = (status: PostStatus): string =>
  ({
    publish: __('Published', 'igny8'),
    draft: __('Draft', 'igny8'),
  })[status] ?? status;

/** What used credits, in the product's words (the operations of the server's credit holds). */
export const operationText = (operation: string | null): string => {
  switch (operation) {
    case 'auto_cluster':
    case 'cluster_embedding':
      return __('Clustering keywords', 'igny8');
    case 'generate_ideas':
      return __('Suggesting article ideas', 'igny8');
    case 'generate_content':
      return __('Writing articles', 'igny8');
    case 'rewrite_block':
      return __('Rewriting blocks in the editor', 'igny8');
    case 'generate_image_prompts':
    case 'generate_images':
      return __('Making images', 'igny8');
    case null:
      return __('Other', 'igny8');
    default:
      return operation;
  }
};

/** "2026-03-01" (a UTC day) as the browser writes dates. */
export const dayText = (day: string | null): string => {
  if (day === null) {
    return __('Other', 'igny8');
  }
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(undefined, { timeZone: 'UTC' });
};
