import type { TAutomationRun, TAutomationStageState, TAutomationStopReason } from '@igny8/shared';
import type { AutomationRun } from '../../generated/prisma/client.ts';

export function runView(run: AutomationRun): TAutomationRun {
  return {
    id: run.id,
    siteId: run.siteId,
    trigger: run.trigger === 'schedule' ? 'schedule' : 'manual',
    status: run.status,
    stopReason: (run.stopReason as TAutomationStopReason | null) ?? null,
    stopDetail: run.stopDetail,
    stages: run.stages as unknown as TAutomationStageState[],
    itemsProcessed: run.itemsProcessed,
    creditsHeld: run.creditsHeld,
    creditsUsed: run.creditsUsed,
    jobId: run.jobRunId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
  };
}
