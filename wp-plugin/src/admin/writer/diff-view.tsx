import { __ } from '@wordpress/i18n';
import type { TDiffPart } from '@igny8/shared';

/**
 * A word diff: insertions underlined and marked "+", deletions struck through and marked "−", each announced as
 * "added" / "removed" to screen readers (never colour alone).
 */
export function DiffText({ parts }: { parts: TDiffPart[] }) {
  return (
    <p className="igny8-diff">
      {parts.map((part, index) => {
        if (part.added) {
          return (
            <ins key={index} className="igny8-diff__added">
              <span className="screen-reader-text">{__('Added:', 'igny8')} </span>
              <span aria-hidden="true">+</span>
              {part.value}
            </ins>
          );
        }
        if (part.removed) {
          return (
            <del key={index} className="igny8-diff__removed">
              <span className="screen-reader-text">{__('Removed:', 'igny8')} </span>
              <span aria-hidden="true">−</span>
              {part.value}
            </del>
          );
        }
        return <span key={index}>{part.value}</span>;
      })}
    </p>
  );
}
