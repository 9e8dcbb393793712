import { Button, SelectControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ProgressBar } from '../../components/progress-bar';
import type { CLUSTER_GRANULARITY, TClusterRunResult } from '@igny8/shared';
import { store as plannerStore, type ClusterGranularity, type ClusterRunMethod } from '../../store/planner';
import { IdeasPanel } from './ideas-panel';
import { formatNumber, intentLabel } from './labels';

interface ClustersPanelProps {
  sectorId: string;
  announce: (message: string) => void;
}

/** The methods this screen offers (embedding needs an embedding model set up on the server). */
type OfferedMethod = Extract<ClusterRunMethod, 'lexical' | 'ai'>;

/** What the screen reads of a finished clustering job's result. */
type ClusterRunResult = Partial<Pick<TClusterRunResult, 'clusterCount' | 'clusteredKeywords' | 'unclusteredKeywords'>>;

/** The server's default granularity (shared CLUSTER_GRANULARITY.default). */
const DEFAULT_GRANULARITY: ClusterGranularity = 3 satisfies (typeof CLUSTER_GRANULARITY)['default'];

/**
 * A sector's clusters: run clustering (lexical, free, at a granularity from broad topics to tight groups; or AI,
 * paid) with its progress, then pick one for ideas.
 */
export function ClustersPanel({ sectorId, announce }: ClustersPanelProps) {
  const [method, setMethod] = useState<OfferedMethod>('lexical');
  const [granularity, setGranularity] = useState<ClusterGranularity>(DEFAULT_GRANULARITY);
  const [jobId, setJobId] = useState('');
  const [heldCredits, setHeldCredits] = useState(0);
  const [clusterId, setClusterId] = useState('');

  const { clusters, job, isRunning } = useSelect(
    (select) => {
      const planner = select(plannerStore);
      return {
        clusters: planner.getClusters(sectorId),
        job: jobId ? planner.getJob(jobId) : undefined,
        isRunning: planner.isPending('cluster'),
      };
    },
    [sectorId, jobId],
  );
  const { startClustering, followClustering } = useDispatch(plannerStore);

  const run = async () => {
    const accepted = await startClustering(sectorId, method, method === 'lexical' ? granularity : undefined);
    if (!accepted) {
      return;
    }
    setJobId(accepted.jobId);
    setHeldCredits(accepted.heldCredits ?? 0);
    announce(
      sprintf(
        /* translators: %d: number of keywords */
        _n('Clustering %d keyword…', 'Clustering %d keywords…', accepted.keywordCount ?? 0, 'igny8'),
        accepted.keywordCount ?? 0,
      ),
    );
    const finished = await followClustering(accepted.jobId);
    if (finished) {
      const result = (finished.result ?? {}) as ClusterRunResult;
      announce(
        sprintf(
          /* translators: 1: number of clusters, 2: number of keywords in them, 3: keywords left out */
          __('Clustering done: %1$d clusters made from %2$d keywords (%3$d left out).', 'igny8'),
          result.clusterCount ?? 0,
          result.clusteredKeywords ?? 0,
          result.unclusteredKeywords ?? 0,
        ),
      );
    }
  };

  const items = clusters?.items ?? [];
  const chosen = items.find((cluster) => cluster.id === clusterId);

  return (
    <div className="igny8-planner__section">
      <div className="igny8-planner__toolbar">
        <SelectControl
          label={__('Clustering method', 'igny8')}
          value={method}
          options={[
            { label: __('Lexical (free, on shared words)', 'igny8'), value: 'lexical' },
            { label: __('AI (paid in credits)', 'igny8'), value: 'ai' },
          ]}
          onChange={(value: string) => setMethod(value as OfferedMethod)}
        />
        {method === 'lexical' && (
          <SelectControl
            label={__('Cluster size', 'igny8')}
            help={__('Broad topics make fewer, bigger clusters; tight groups make more, smaller ones.', 'igny8')}
            value={String(granularity) as '1' | '2' | '3' | '4' | '5'}
            options={[
              { label: __('Broadest topics', 'igny8'), value: '1' },
              { label: __('Broad topics', 'igny8'), value: '2' },
              { label: __('Balanced (recommended)', 'igny8'), value: '3' },
              { label: __('Tight groups', 'igny8'), value: '4' },
              { label: __('Tightest groups', 'igny8'), value: '5' },
            ]}
            onChange={(value: string) => setGranularity(Number(value) as ClusterGranularity)}
          />
        )}
        <Button variant="primary" onClick={run} isBusy={isRunning} __experimentalIsFocusable disabled={isRunning}>
          {__('Cluster new keywords', 'igny8')}
        </Button>
      </div>

      {jobId && (
        <>
          {heldCredits > 0 && (
            <p>
              {sprintf(
                /* translators: %d: number of credits */
                _n(
                  '%d credit is set aside for this run; what it does not use is given back.',
                  '%d credits are set aside for this run; what it does not use is given back.',
                  heldCredits,
                  'igny8',
                ),
                heldCredits,
              )}
            </p>
          )}
          <ProgressBar
            value={job?.status === 'succeeded' ? 100 : (job?.progress ?? 0)}
            label={__('Clustering keywords', 'igny8')}
            detail={job?.status === 'running' ? job.currentStep : undefined}
          />
        </>
      )}

      {!clusters && <Spinner />}
      {clusters && items.length === 0 && (
        <EmptyState title={__('No clusters in this sector yet', 'igny8')}>
          <p>
            {__(
              'Clustering groups the keywords that one article can target. Choose a method and cluster the new keywords.',
              'igny8',
            )}
          </p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <table className="wp-list-table widefat fixed striped igny8-planner__table">
          <caption className="screen-reader-text">{__('Clusters', 'igny8')}</caption>
          <thead>
            <tr>
              <th scope="col">{__('Cluster', 'igny8')}</th>
              <th scope="col" className="num">
                {__('Keywords', 'igny8')}
              </th>
              <th scope="col" className="num">
                {__('Total volume', 'igny8')}
              </th>
              <th scope="col" className="num">
                {__('Average difficulty', 'igny8')}
              </th>
              <th scope="col">{__('Intent', 'igny8')}</th>
              <th scope="col">{__('Ideas', 'igny8')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((cluster) => (
              <tr key={cluster.id}>
                <th scope="row">{cluster.name}</th>
                <td className="num">{formatNumber(cluster.keywordCount)}</td>
                <td className="num">{formatNumber(cluster.totalVolume)}</td>
                <td className="num">
                  {cluster.avgDifficulty === null ? '—' : Math.round(cluster.avgDifficulty).toString()}
                </td>
                <td>{cluster.dominantIntent ? intentLabel(cluster.dominantIntent) : '—'}</td>
                <td>
                  <Button
                    variant={cluster.id === clusterId ? 'primary' : 'secondary'}
                    aria-pressed={cluster.id === clusterId}
                    onClick={() => setClusterId(cluster.id)}
                    /* translators: %s: cluster name */
                    aria-label={sprintf(__('Ideas for %s', 'igny8'), cluster.name)}
                  >
                    {__('Ideas', 'igny8')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {clusters?.nextCursor && <p>{__('The 200 clusters with the most search volume are shown.', 'igny8')}</p>}

      {chosen && <IdeasPanel key={chosen.id} cluster={chosen} announce={announce} />}
    </div>
  );
}
