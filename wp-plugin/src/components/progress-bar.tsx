import { __, sprintf } from '@wordpress/i18n';

interface ProgressBarProps {
  /** 0-100. */
  value: number;
  /** What is progressing, for screen readers ("Importing keywords"). */
  label: string;
  /** The job's current step, shown under the bar. */
  detail?: string | null | undefined;
}

/**
 * A job's progress. WordPress 6.1's @wordpress/components has no ProgressBar, so this is a plain `progressbar`
 * role with its value, which screen readers announce.
 */
export function ProgressBar({ value, label, detail }: ProgressBarProps) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  /* translators: %d: percentage done */
  const valueText = sprintf(__('%d%% done', 'igny8'), percent);
  return (
    <div className="igny8-progress">
      <div
        className="igny8-progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={valueText}
      >
        <div className="igny8-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="igny8-progress__text">
        {label}: {valueText}
        {detail ? ` (${detail})` : ''}
      </p>
    </div>
  );
}
