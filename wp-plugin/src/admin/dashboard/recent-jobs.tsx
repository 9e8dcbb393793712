import { Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { ProgressBar } from '../../components/progress-bar';
import type { TJobRun } from '@igny8/shared';
import { isActive, store as jobsStore } from '../../store/jobs';
import { jobStartedAt, jobStatusText, jobTypeText } from './job-labels';

/** How often the list is read again while a job is queued or running. */
export const POLL_MS = 3000;

function JobState({ job }: { job: TJobRun }) {
  if (job.status === 'running') {
    return <ProgressBar value={job.progress} label={jobTypeText(job.type)} detail={job.currentStep} />;
  }
  if (job.status === 'failed') {
    return (
      <>
        <strong>{jobStatusText(job.status)}</strong>
        {job.error?.message ? `: ${job.error.message}` : ''}
      </>
    );
  }
  return <>{jobStatusText(job.status)}</>;
}

/** The site's last jobs: what, how far, when, and why one failed; polled while any is queued or running. */
export function RecentJobs() {
  const { jobs, error } = useSelect((select) => {
    const store = select(jobsStore);
    return { jobs: store.getRecentJobs(), error: store.getError() };
  }, []);
  const { refreshRecentJobs, clearError } = useDispatch(jobsStore);
  const active = (jobs ?? []).some(isActive);

  useEffect(() => {
    if (!active) {
      return undefined;
    }
    const timer = window.setInterval(() => {
      void refreshRecentJobs();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, refreshRecentJobs]);

  return (
    <section className="igny8-dashboard__jobs" aria-labelledby="igny8-recent-jobs">
      <h2 id="igny8-recent-jobs">{__('Recent jobs', 'igny8')}</h2>
      {error && (
        <ErrorNotice
          message={error.message}
          onDismiss={clearError}
          onRetry={() => {
            clearError();
            void refreshRecentJobs();
          }}
        />
      )}
      {jobs === null && !error && (
        <p>
          <Spinner />
          {__('Loading the latest jobs…', 'igny8')}
        </p>
      )}
      {jobs && jobs.length === 0 && (
        <EmptyState title={__('No jobs yet', 'igny8')}>
          <p>
            {__(
              'Importing keywords, clustering, suggesting ideas, writing, making images and publishing run as jobs; the latest ones show here.',
              'igny8',
            )}
          </p>
        </EmptyState>
      )}
      {jobs && jobs.length > 0 && (
        <table className="wp-list-table widefat striped igny8-dashboard__jobs-table">
          <caption className="screen-reader-text">{__('The latest jobs of this site, newest first', 'igny8')}</caption>
          <thead>
            <tr>
              <th scope="col">{__('Job', 'igny8')}</th>
              <th scope="col">{__('Status', 'igny8')}</th>
              <th scope="col">{__('Started', 'igny8')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-status={job.status}>
                <th scope="row">{jobTypeText(job.type)}</th>
                <td>
                  <JobState job={job} />
                </td>
                <td>{jobStartedAt(job)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
