import { Button, Notice, SelectControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ProgressBar } from '../../components/progress-bar';
import type { TCluster, TGenerateIdeasAccepted } from '@igny8/shared';
import { store as plannerStore } from '../../store/planner';
import { ideaStatusLabel, intentLabel } from './labels';

interface IdeasPanelProps {
  cluster: TCluster;
  announce: (message: string) => void;
}

/** A cluster's article ideas: generate them with AI (credits held first), approve or reject, turn into tasks. */
export function IdeasPanel({ cluster, announce }: IdeasPanelProps) {
  const [count, setCount] = useState('5');
  const [accepted, setAccepted] = useState<TGenerateIdeasAccepted | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const { ideas, job, isGenerating, isReviewing, isConverting } = useSelect(
    (select) => {
      const planner = select(plannerStore);
      return {
        ideas: planner.getIdeas(cluster.id),
        job: accepted ? planner.getJob(accepted.jobId) : undefined,
        isGenerating: planner.isPending('generate'),
        isReviewing: planner.isPending('review'),
        isConverting: planner.isPending('convert'),
      };
    },
    [cluster.id, accepted],
  );
  const { startIdeas, followIdeas, reviewIdea, convertIdeas } = useDispatch(plannerStore);

  // The panel opens below the clusters table: take keyboard and screen-reader users there.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const generate = async () => {
    const started = await startIdeas(cluster.id, Number(count));
    if (!started) {
      return;
    }
    setAccepted(started);
    const finished = await followIdeas(cluster.id, started.jobId);
    if (finished) {
      announce(__('New ideas are ready to review.', 'igny8'));
    }
  };

  const approved = (ideas ?? []).filter((idea) => idea.status === 'approved');
  const convert = async () => {
    const tasks = await convertIdeas(approved.map((idea) => idea.id));
    if (tasks) {
      announce(
        sprintf(
          /* translators: %d: number of Writer tasks */
          _n('%d Writer task created.', '%d Writer tasks created.', tasks.length, 'igny8'),
          tasks.length,
        ),
      );
    }
  };

  return (
    <section className="igny8-planner__ideas" aria-labelledby="igny8-ideas-heading">
      <h2 id="igny8-ideas-heading" ref={headingRef} tabIndex={-1}>
        {/* translators: %s: cluster name */}
        {sprintf(__('Ideas for “%s”', 'igny8'), cluster.name)}
      </h2>
      <div className="igny8-planner__toolbar">
        <SelectControl
          label={__('How many ideas', 'igny8')}
          value={count}
          options={['1', '3', '5', '10'].map((value) => ({ label: value, value }))}
          onChange={(value: string) => setCount(value)}
        />
        <Button
          variant="primary"
          onClick={generate}
          isBusy={isGenerating}
          __experimentalIsFocusable
          disabled={isGenerating}
        >
          {__('Generate ideas', 'igny8')}
        </Button>
        <Button
          variant="secondary"
          onClick={convert}
          isBusy={isConverting}
          __experimentalIsFocusable
          disabled={approved.length === 0 || isConverting}
        >
          {sprintf(
            /* translators: %d: number of approved ideas */
            _n('Create %d Writer task', 'Create %d Writer tasks', approved.length, 'igny8'),
            approved.length,
          )}
        </Button>
      </div>

      {accepted && (
        <>
          <p>
            {sprintf(
              /* translators: 1: number of credits, 2: AI model name */
              _n(
                '%1$d credit is set aside for this run (%2$s); what it does not use is given back.',
                '%1$d credits are set aside for this run (%2$s); what it does not use is given back.',
                accepted.heldCredits ?? 0,
                'igny8',
              ),
              accepted.heldCredits ?? 0,
              accepted.model ?? '',
            )}
          </p>
          <ProgressBar
            value={job?.status === 'succeeded' ? 100 : (job?.progress ?? 0)}
            label={__('Generating ideas', 'igny8')}
            detail={job?.status === 'running' ? job.currentStep : undefined}
          />
        </>
      )}

      {!ideas && <Spinner />}
      {ideas && ideas.length === 0 && (
        <EmptyState title={__('No ideas for this cluster yet', 'igny8')}>
          <p>
            {__(
              'Generate article ideas: each has a title, an angle, an outline and its keywords. Generating is paid in credits; the estimate is set aside first and what is not used is given back.',
              'igny8',
            )}
          </p>
        </EmptyState>
      )}
      {(ideas ?? []).map((idea) => (
        <article className="igny8-planner__idea" key={idea.id} aria-label={idea.title}>
          <h3>{idea.title}</h3>
          {idea.demo && (
            <Notice status="warning" isDismissible={false}>
              {__('Demo idea: made by the demo AI, not a real model. Filler, not advice.', 'igny8')}
            </Notice>
          )}
          <p>{idea.angle}</p>
          <p>
            {sprintf(
              /* translators: 1: status, 2: primary keyword, 3: search intent, 4: target word count */
              __('Status: %1$s. Keyword: %2$s. Intent: %3$s. About %4$d words.', 'igny8'),
              ideaStatusLabel(idea.status),
              idea.primaryKeyword,
              intentLabel(idea.intent),
              idea.targetWordCount,
            )}
          </p>
          {idea.outline.length > 0 && (
            <details>
              <summary>{__('Outline', 'igny8')}</summary>
              <ul>
                {idea.outline.map((item, index) => (
                  <li key={index} style={item.level === 'h3' ? { marginLeft: '1.5em' } : undefined}>
                    {item.heading}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {idea.status !== 'converted' && (
            <div className="igny8-planner__idea-actions">
              <Button
                variant="secondary"
                __experimentalIsFocusable
                disabled={idea.status === 'approved' || isReviewing}
                onClick={() => reviewIdea(idea.id, 'approve')}
                /* translators: %s: idea title */
                aria-label={sprintf(__('Approve “%s”', 'igny8'), idea.title)}
              >
                {__('Approve', 'igny8')}
              </Button>
              <Button
                variant="tertiary"
                isDestructive
                __experimentalIsFocusable
                disabled={idea.status === 'rejected' || isReviewing}
                onClick={() => reviewIdea(idea.id, 'reject')}
                /* translators: %s: idea title */
                aria-label={sprintf(__('Reject “%s”', 'igny8'), idea.title)}
              >
                {__('Reject', 'igny8')}
              </Button>
            </div>
          )}
        </article>
      ))}
    </section>
  );
}
