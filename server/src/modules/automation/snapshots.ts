import {
  ZAutomationSettings,
  type TAutomationSettings,
  type TAutomationStageState,
  type TAutomationStopReason,
} from '@igny8/shared';
import type { AutomationItem, AutomationRun, Prisma } from '../../generated/prisma/client.ts';
import type { AutomationData } from './data.ts';
import { STEPS, type Step } from './stages.ts';

const ACTIVE_ITEM = (i: AutomationItem) => i.status === 'running' || i.status === 'pending';

/** Whether a step runs under these settings (its stage is on and it is not after the stop-after stage). */
export function stepEnabled(settings: TAutomationSettings, step: Step): boolean {
  if (!settings.stages[step]) return false;
  if (!settings.stopAfter) return true;
  return STEPS.indexOf(step) <= STEPS.indexOf(settings.stopAfter);
}

/** What a run shows (its seven stages, items, credits), written from its items; and ending a run. */
export function createSnapshots(data: AutomationData) {
  /** The seven stages as the run shows them, from its items (stages 5 and 6 from the images step's contents). */
  async function stageStates(run: AutomationRun, settings: TAutomationSettings, items: AutomationItem[]) {
    const states: TAutomationStageState[] = [];
    const status = (step: Step): TAutomationStageState['status'] => {
      if (!stepEnabled(settings, step)) return 'skipped';
      const index = STEPS.indexOf(step);
      if (run.status === 'ended' || index < run.stageIndex) return 'done';
      return index === run.stageIndex && run.status !== 'queued' ? 'running' : 'pending';
    };
    for (const step of STEPS) {
      const of = items.filter((i) => i.stage === step);
      const base = {
        status: status(step),
        failed: of.filter((i) => i.status === 'failed').length,
        running: of.filter(ACTIVE_ITEM).length,
      };
      if (step !== 'images') {
        states.push({
          stage: step,
          ...base,
          in: of.reduce((n, i) => n + i.inCount, 0),
          out: of.reduce((n, i) => n + (i.status === 'done' ? i.outCount : 0), 0),
        });
        continue;
      }
      const counts = await data.imageCounts(of.filter((i) => !ACTIVE_ITEM(i)).map((i) => i.subjectId));
      states.push({ stage: 'image_prompts', ...base, in: of.length, out: counts.prompts });
      states.push({
        stage: 'images',
        ...base,
        failed: counts.failed,
        in: counts.prompts,
        out: counts.ready,
      });
    }
    return states;
  }

  /** Writes what the run shows (stages, items, credits) from its items. */
  async function snapshot(run: AutomationRun, extra: Prisma.AutomationRunUncheckedUpdateInput = {}) {
    const settings = ZAutomationSettings.parse(run.settings);
    const items = await data.itemsOf(run.id);
    const merged = { ...run, ...(extra as Partial<AutomationRun>) };
    return data.updateRun(run.id, {
      ...extra,
      stages: (await stageStates(merged, settings, items)) as unknown as Prisma.InputJsonValue,
      itemsProcessed: items.filter((i) => i.status === 'done' || i.status === 'failed').length,
      creditsUsed: items.reduce((n, i) => n + i.credits, 0),
      creditsHeld: items.filter(ACTIVE_ITEM).reduce((n, i) => n + i.heldCredits, 0),
    });
  }

  async function end(run: AutomationRun, reason: TAutomationStopReason, detail: string | null) {
    return snapshot(run, { status: 'ended', stopReason: reason, stopDetail: detail, endedAt: new Date() });
  }

  return { stageStates, snapshot, end };
}
