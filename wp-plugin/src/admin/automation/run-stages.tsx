import { __, sprintf } from '@wordpress/i18n';
import type { TAutomationRun, TAutomationStageState } from '@igny8/shared';
import { ProgressBar } from '../../components/progress-bar';
import { STAGES, stageLabel, stagePercent, stageStatusLabel, stageUnits } from './labels';

/** The run's seven stages in order, each with its progress and counts. */
export function RunStages({ run }: { run: TAutomationRun }) {
  const byStage = new Map(run.stages.map((stage) => [stage.stage, stage]));
  return (
    <ol className="igny8-automation__stages" aria-label={__('Stages of this run', 'igny8')}>
      {STAGES.map((name, index) => {
        const stage: TAutomationStageState = byStage.get(name) ?? {
          stage: name,
          status: 'pending',
          in: 0,
          out: 0,
          failed: 0,
          running: 0,
        };
        const units = stageUnits(name);
        return (
          <li
            key={name}
            className={`igny8-automation__stage is-${stage.status}`}
            data-stage={name}
            data-status={stage.status}
            data-in={stage.in}
            data-out={stage.out}
            data-failed={stage.failed}
            data-running={stage.running}
          >
            <h4 className="igny8-automation__stage-title">
              {sprintf(
                /* translators: 1: a stage's number (1-7), 2: its name */
                __('%1$d. %2$s', 'igny8'),
                index + 1,
                stageLabel(name),
              )}{' '}
              <span className="igny8-automation__stage-status">{stageStatusLabel(stage.status)}</span>
            </h4>
            <ProgressBar value={stagePercent(stage)} label={stageLabel(name)} />
            <dl className="igny8-automation__counts">
              <div>
                {/* translators: %s: what a stage takes in, such as Keywords */}
                <dt>{sprintf(__('%s in', 'igny8'), units.in)}</dt>
                <dd>{stage.in.toLocaleString()}</dd>
              </div>
              <div>
                {/* translators: %s: what a stage makes, such as Clusters */}
                <dt>{sprintf(__('%s out', 'igny8'), units.out)}</dt>
                <dd>{stage.out.toLocaleString()}</dd>
              </div>
              <div>
                <dt>{__('Failed', 'igny8')}</dt>
                <dd>{stage.failed.toLocaleString()}</dd>
              </div>
              <div>
                <dt>{__('Running', 'igny8')}</dt>
                <dd>{stage.running.toLocaleString()}</dd>
              </div>
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
