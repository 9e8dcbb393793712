/** The planner's values in words (the API's codes are never shown). */
import { __ } from '@wordpress/i18n';
import type { TIdeaStatus, TKeywordIntent, TKeywordStatus } from '@igny8/shared';

export const intentLabel = (intent: TKeywordIntent | null): string =>
  ({
    informational: __('Informational', 'igny8'),
    commercial: __('Commercial', 'igny8'),
    transactional: __('Transactional', 'igny8'),
    navigational: __('Navigational', 'igny8'),
  })[intent ?? 'informational'] ?? '';

export const keywordStatusLabel = (status: TKeywordStatus): string =>
  ({
    new: __('New', 'igny8'),
    clustered: __('Clustered', 'igny8'),
    queued: __('Queued', 'igny8'),
    used: __('Used', 'igny8'),
    ignored: __('Ignored', 'igny8'),
  })[status];

export const ideaStatusLabel = (status: TIdeaStatus): string =>
  ({
    new: __('New', 'igny8'),
    approved: __('Approved', 'igny8'),
    rejected: __('Rejected', 'igny8'),
    converted: __('Task created', 'igny8'),
  })[status];

export const INTENTS: TKeywordIntent[] = ['informational', 'commercial', 'transactional', 'navigational'];
export const KEYWORD_STATUSES: TKeywordStatus[] = ['new', 'clustered', 'queued', 'used', 'ignored'];

/** A number as the site's language writes it; an empty cell for none. */
export const formatNumber = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : value.toLocaleString();
