import { Button, SelectControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import type { TContent, TContentVersionMeta } from '@igny8/shared';
import { store as writerStore } from '../../store/writer';
import { DiffText } from './diff-view';
import { fieldLabel } from './labels';

const sourceLabel = (source: TContentVersionMeta['source']): string =>
  ({
    generated: __('written by AI', 'igny8'),
    edited: __('edited', 'igny8'),
    section_regenerated: __('section rewritten by AI', 'igny8'),
    restored: __('restored', 'igny8'),
  })[source];

interface VersionsPanelProps {
  content: TContent;
  announce: (message: string) => void;
}

/** The content's versions, what changed between two of them, and restoring an earlier one. */
export function VersionsPanel({ content, announce }: VersionsPanelProps) {
  const { versions, busy } = useSelect(
    (select) => {
      const writer = select(writerStore);
      return {
        versions: writer.getVersions(content.id),
        // Not while the task has a job running (it would write a version of its own) or another restore runs.
        busy: writer.isPending('restore') || writer.getActiveJob(content.taskId) !== undefined,
      };
    },
    [content.id, content.taskId],
  );
  const { restoreVersion } = useDispatch(writerStore);
  const [to, setTo] = useState(content.currentVersion);
  const [from, setFrom] = useState(Math.max(1, content.currentVersion - 1));

  if (!versions) {
    return (
      <p>
        <Spinner />
        {__('Loading the versions…', 'igny8')}
      </p>
    );
  }
  const restore = async (number: number) => {
    const restored = await restoreVersion(content.taskId, content.id, number);
    if (restored) {
      /* translators: 1: the version restored, 2: the new version's number */
      announce(sprintf(__('Version %1$d restored as version %2$d.', 'igny8'), number, restored.currentVersion));
    }
  };
  const options = versions.map((version) => ({
    /* translators: 1: version number, 2: how it was made, 3: number of words */
    label: sprintf(
      __('Version %1$d (%2$s, %3$d words)', 'igny8'),
      version.number,
      sourceLabel(version.source),
      version.wordCount,
    ),
    value: String(version.number),
  }));

  return (
    <div className="igny8-writer__versions">
      <ol className="igny8-writer__version-list">
        {versions.map((version) => (
          <li key={version.number}>
            {sprintf(
              /* translators: 1: version number, 2: how it was made, 3: date */
              __('Version %1$d, %2$s, %3$s', 'igny8'),
              version.number,
              sourceLabel(version.source),
              new Date(version.createdAt).toLocaleString(),
            )}
            {version.number === content.approvedVersion ? ` — ${__('approved', 'igny8')}` : ''}
            {version.number !== content.currentVersion && (
              <>
                {' '}
                <Button
                  variant="link"
                  disabled={busy}
                  onClick={() => void restore(version.number)}
                  /* translators: %d: version number */
                  label={sprintf(__('Restore version %d', 'igny8'), version.number)}
                  showTooltip={false}
                >
                  {__('Restore', 'igny8')}
                </Button>
              </>
            )}
          </li>
        ))}
      </ol>
      {versions.length < 2 ? (
        <EmptyState title={__('Only one version so far', 'igny8')}>
          <p>{__('Edit the article or rewrite a section to make a new version; the changes show here.', 'igny8')}</p>
        </EmptyState>
      ) : (
        <>
          <div className="igny8-writer__toolbar">
            <SelectControl
              label={__('Compare', 'igny8')}
              value={String(from)}
              options={options}
              onChange={(value: string) => setFrom(Number(value))}
            />
            <SelectControl
              label={__('with', 'igny8')}
              value={String(to)}
              options={options}
              onChange={(value: string) => setTo(Number(value))}
            />
          </div>
          {from === to ? (
            <p>{__('Choose two different versions to compare.', 'igny8')}</p>
          ) : (
            <Diff contentId={content.id} from={from} to={to} />
          )}
        </>
      )}
    </div>
  );
}

function Diff({ contentId, from, to }: { contentId: string; from: number; to: number }) {
  const diff = useSelect((select) => select(writerStore).getDiff(contentId, from, to), [contentId, from, to]);
  if (!diff) {
    return (
      <p>
        <Spinner />
        {__('Comparing…', 'igny8')}
      </p>
    );
  }
  const changedFields = diff.fields.filter((field) => field.changed);
  const changedSections = diff.sections.filter((section) => section.status !== 'unchanged');
  return (
    <div className="igny8-writer__diff" aria-live="polite">
      <p>
        {sprintf(
          /* translators: 1: words added, 2: words removed, 3: version number, 4: version number */
          __('%1$d words added and %2$d removed from version %3$d to version %4$d.', 'igny8'),
          diff.wordsAdded,
          diff.wordsRemoved,
          diff.from,
          diff.to,
        )}
      </p>
      {changedFields.length === 0 && changedSections.length === 0 && <p>{__('No differences.', 'igny8')}</p>}
      {changedFields.map((field) => (
        <div key={field.field}>
          <h4>{fieldLabel(field.field)}</h4>
          <DiffText parts={field.parts} />
        </div>
      ))}
      {changedSections.map((section) => (
        <div key={section.index}>
          <h4>
            {sprintf(
              /* translators: 1: section number, 2: section heading */
              __('Section %1$d: %2$s', 'igny8'),
              section.index + 1,
              section.heading.parts
                .filter((part) => !part.removed)
                .map((part) => part.value)
                .join(''),
            )}
          </h4>
          {section.heading.changed && <DiffText parts={section.heading.parts} />}
          <DiffText parts={section.text.parts} />
        </div>
      ))}
    </div>
  );
}
