/**
 * The automation routes the screen calls, through the plugin's forwarding route (src/api/client.ts): the site is
 * always this one (`current`, filled in by the plugin). Each path is on AppController's allowlist.
 */
import { CURRENT_SITE, igny8Api } from '../../api/client';
import type {
  TAutomationReviewItem,
  TAutomationRun,
  TAutomationSettingsPatch,
  TAutomationState,
  TPage,
  TSector,
} from '@igny8/shared';
import { PAGE_SIZE } from './constants';
import type { ReviewOutcome, RunControl } from './types';

const AUTOMATION = `sites/${CURRENT_SITE}/automation`;

/**
 * The state as the contract has it. The plugin's PHP decodes the server's JSON into PHP arrays before WordPress
 * encodes it again, so an empty object (no sector overrides) reaches the browser as `[]`; sent back as it is, the
 * server would refuse it ("expected record, received array").
 */
export const asAutomationState = (state: TAutomationState): TAutomationState => {
  const overrides: unknown = state.settings.sectorOverrides;
  return Array.isArray(overrides) || typeof overrides !== 'object' || overrides === null
    ? { ...state, settings: { ...state.settings, sectorOverrides: {} } }
    : state;
};

export const fetchAutomation = async () => asAutomationState(await igny8Api<TAutomationState>(AUTOMATION));

export const putSettings = async (patch: TAutomationSettingsPatch) =>
  asAutomationState(await igny8Api<TAutomationState>(AUTOMATION, { method: 'PUT', body: patch }));

/** Run now. The key makes a retried click answer the run it already started. */
export const postRun = (idempotencyKey: string) =>
  igny8Api<TAutomationRun>(`${AUTOMATION}/runs`, { method: 'POST', body: {}, idempotencyKey });

export const fetchRuns = (cursor?: string) =>
  igny8Api<TPage<TAutomationRun>>(`${AUTOMATION}/runs`, { query: { limit: PAGE_SIZE, cursor } });

export const postRunControl = (runId: string, control: RunControl) =>
  igny8Api<TAutomationRun>(`automation/runs/${runId}/${control}`, { method: 'POST', body: {} });

export const fetchReview = (cursor?: string) =>
  igny8Api<TPage<TAutomationReviewItem>>(`${AUTOMATION}/review`, { query: { limit: PAGE_SIZE, cursor } });

export const postReviewPublish = (contentIds: string[]) =>
  igny8Api<{ items: ReviewOutcome[] }>(`${AUTOMATION}/review/publish`, { method: 'POST', body: { contentIds } });

/** The site's sectors, as the Planner reads them (for the per-sector overrides). */
export const fetchSectors = () => igny8Api<TSector[]>(`sites/${CURRENT_SITE}/sectors`);
