/** The Writer's values in words (the API's codes are never shown). */
import { __ } from '@wordpress/i18n';
import type { TTaskStatus } from '@igny8/shared';
import type { JobKind } from '../../store/writer';

export const TASK_STATUSES: TTaskStatus[] = [
  'queued',
  'writing',
  'written',
  'review',
  'approved',
  'publishing',
  'published',
  'failed',
];

export const taskStatusLabel = (status: TTaskStatus): string =>
  ({
    queued: __('To write', 'igny8'),
    writing: __('Being written', 'igny8'),
    written: __('Written (images to come)', 'igny8'),
    review: __('To review', 'igny8'),
    approved: __('Approved', 'igny8'),
    publishing: __('Being published', 'igny8'),
    published: __('Published', 'igny8'),
    failed: __('Failed', 'igny8'),
  })[status] ?? status;

export const jobLabel = (kind: JobKind): string =>
  ({
    write: __('Writing the article', 'igny8'),
    images: __('Making the images', 'igny8'),
    section: __('Rewriting the section', 'igny8'),
    publish: __('Publishing to this site', 'igny8'),
  })[kind];

export const fieldLabel = (field: string): string =>
  ({
    title: __('Title', 'igny8'),
    seoTitle: __('SEO title', 'igny8'),
    metaDescription: __('Meta description', 'igny8'),
    slug: __('Slug', 'igny8'),
    excerpt: __('Excerpt', 'igny8'),
    faq: __('FAQ', 'igny8'),
  })[field] ?? field;
