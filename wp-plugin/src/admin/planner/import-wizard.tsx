import { Button, Modal, Notice, SelectControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { ProgressBar } from '../../components/progress-bar';
import type { TImportMapping, TImportStarted, TKeywordImport } from '@igny8/shared';
import { store as plannerStore } from '../../store/planner';
import { readKeywordFile } from './keyword-file';
import { plannerSettings } from './planner-settings';

interface ImportWizardProps {
  sectorId: string;
  onClose: () => void;
  announce: (message: string) => void;
}

type Step =
  | { name: 'choose' }
  | { name: 'mapping'; started: TImportStarted }
  | { name: 'importing'; importId: string; jobId: string }
  | { name: 'done'; keywordImport: TKeywordImport };

const OPTIONAL_COLUMNS = ['volume', 'difficulty', 'cpc', 'intent'] as const;

/** What an import did, in one sentence. */
const summaryOf = (keywordImport: TKeywordImport): string =>
  sprintf(
    /* translators: 1: rows read, 2: new keywords, 3: updated keywords, 4: refused rows, 5: repeated rows */
    __('%1$d rows read: %2$d new keywords, %3$d updated, %4$d refused, %5$d repeated in the file.', 'igny8'),
    keywordImport.rowsTotal,
    keywordImport.rowsInserted,
    keywordImport.rowsUpdated,
    keywordImport.rowsFailed,
    keywordImport.rowsDuplicate,
  );

/**
 * Import keywords: choose a file (read here and sent as text), choose its columns if IGNY8 did not recognize the
 * layout, follow the import job's progress, and see what it did.
 */
export function ImportWizard({ sectorId, onClose, announce }: ImportWizardProps) {
  const [step, setStep] = useState<Step>({ name: 'choose' });
  const [file, setFile] = useState<{ name: string; text: string; lines: number } | null>(null);
  const [fileError, setFileError] = useState('');
  const [mapping, setMapping] = useState<TImportMapping>({ keyword: '' });
  // Each step's content takes focus when it appears: the button that led there is gone, and focus left on nothing
  // would make the dialog close (it closes when focus leaves it) and leave screen-reader users nowhere.
  const stepRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (step.name !== 'choose') {
      stepRef.current?.focus();
    }
  }, [step.name]);

  const { job, error, isStarting } = useSelect(
    (select) => {
      const planner = select(plannerStore);
      const plannerError = planner.getError();
      return {
        job: step.name === 'importing' ? planner.getJob(step.jobId) : undefined,
        error:
          plannerError && (plannerError.operation === 'import' || plannerError.operation === 'mapping')
            ? plannerError
            : null,
        isStarting: planner.isPending('import') || planner.isPending('mapping'),
      };
    },
    [step],
  );
  const { startImport, mapImportColumns, followImport, clearError } = useDispatch(plannerStore);

  const follow = async (started: TImportStarted | null) => {
    if (!started) {
      return;
    }
    if (started.status === 'needs_mapping') {
      setMapping({ keyword: started.columns?.[0] ?? '' });
      setStep({ name: 'mapping', started });
      return;
    }
    if (!started.jobId) {
      return;
    }
    setStep({ name: 'importing', importId: started.importId, jobId: started.jobId });
    const keywordImport = await followImport(started.importId, started.jobId);
    if (keywordImport) {
      setStep({ name: 'done', keywordImport });
      announce(summaryOf(keywordImport));
    }
  };

  const chooseFile = async (chosen: File | undefined) => {
    setFile(null);
    setFileError('');
    clearError();
    if (!chosen) {
      return;
    }
    const reading = await readKeywordFile(chosen, plannerSettings().maxImportBytes);
    if (reading.ok) {
      setFile({ name: chosen.name, text: reading.text, lines: reading.lines });
    } else {
      setFileError(reading.message);
    }
  };

  return (
    <Modal title={__('Import keywords', 'igny8')} onRequestClose={onClose} className="igny8-wizard">
      {error && (
        <Notice status="error" isDismissible={false}>
          {error.message}
        </Notice>
      )}

      <div ref={stepRef} tabIndex={-1} className="igny8-wizard__step">
        {step.name === 'choose' && (
          <>
            <p>
              {__(
                'Choose a CSV or TSV export (Semrush, Ahrefs, Google Search Console, Google Keyword Planner, Moz) or a text file with one keyword per line.',
                'igny8',
              )}
            </p>
            <p>
              <label htmlFor="igny8-keyword-file">{__('Keyword file', 'igny8')}</label>
              <br />
              <input
                id="igny8-keyword-file"
                type="file"
                accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
                onChange={(event) => void chooseFile(event.currentTarget.files?.[0])}
              />
            </p>
            {fileError && (
              <Notice status="error" isDismissible={false}>
                {fileError}
              </Notice>
            )}
            {file && (
              <p>
                {sprintf(
                  /* translators: 1: file name, 2: number of lines */
                  _n('%1$s: %2$d line.', '%1$s: %2$d lines.', file.lines, 'igny8'),
                  file.name,
                  file.lines,
                )}
              </p>
            )}
            <div className="igny8-wizard__actions">
              <Button variant="tertiary" onClick={onClose}>
                {__('Cancel', 'igny8')}
              </Button>
              <Button
                variant="primary"
                // Disabled but focusable: a button that loses focus while it works would close the dialog.
                __experimentalIsFocusable
                disabled={!file || isStarting}
                isBusy={isStarting}
                onClick={async () => file && !isStarting && follow(await startImport(sectorId, file.text))}
              >
                {__('Import', 'igny8')}
              </Button>
            </div>
          </>
        )}

        {step.name === 'mapping' && (
          <>
            <p>
              {step.started.message ??
                __('IGNY8 did not recognize the columns of this file. Choose which column holds what.', 'igny8')}
            </p>
            <div className="igny8-wizard__mapping">
              <SelectControl
                label={__('Keyword column', 'igny8')}
                value={mapping.keyword}
                options={(step.started.columns ?? []).map((column) => ({ label: column, value: column }))}
                onChange={(value: string) => setMapping({ ...mapping, keyword: value })}
              />
              {OPTIONAL_COLUMNS.map((field) => (
                <SelectControl
                  key={field}
                  label={
                    {
                      volume: __('Search volume column', 'igny8'),
                      difficulty: __('Difficulty column', 'igny8'),
                      cpc: __('Cost per click column', 'igny8'),
                      intent: __('Intent column', 'igny8'),
                    }[field]
                  }
                  value={mapping[field] ?? ''}
                  options={[
                    { label: __('None', 'igny8'), value: '' },
                    ...(step.started.columns ?? []).map((column) => ({ label: column, value: column })),
                  ]}
                  onChange={(value: string) => setMapping({ ...mapping, [field]: value || undefined })}
                />
              ))}
            </div>
            {(step.started.sampleRows ?? []).length > 0 && (
              <table className="widefat striped">
                <caption>{__('The first rows of the file', 'igny8')}</caption>
                <thead>
                  <tr>
                    {(step.started.columns ?? []).map((column) => (
                      <th scope="col" key={column}>
                        {column}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(step.started.sampleRows ?? []).map((row, index) => (
                    <tr key={index}>
                      {row.map((cell, cellIndex) => (
                        <td key={cellIndex}>{cell}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="igny8-wizard__actions">
              <Button variant="tertiary" onClick={onClose}>
                {__('Cancel', 'igny8')}
              </Button>
              <Button
                variant="primary"
                __experimentalIsFocusable
                disabled={!mapping.keyword || isStarting}
                isBusy={isStarting}
                onClick={async () => !isStarting && follow(await mapImportColumns(step.started.importId, mapping))}
              >
                {__('Import with these columns', 'igny8')}
              </Button>
            </div>
          </>
        )}

        {step.name === 'importing' && (
          <>
            <ProgressBar
              value={job?.progress ?? 0}
              label={__('Importing keywords', 'igny8')}
              detail={job?.currentStep}
            />
            <p>
              {__('You can close this window: the import goes on, and the keywords appear when it is done.', 'igny8')}
            </p>
          </>
        )}

        {step.name === 'done' && (
          <>
            <ProgressBar
              value={step.keywordImport.status === 'succeeded' ? 100 : 0}
              label={__('Importing keywords', 'igny8')}
            />
            {step.keywordImport.status === 'succeeded' ? (
              <Notice status="success" isDismissible={false}>
                {summaryOf(step.keywordImport)}
              </Notice>
            ) : (
              <Notice status="error" isDismissible={false}>
                {step.keywordImport.error?.message ??
                  __('The import failed. Check the file and import it again.', 'igny8')}
              </Notice>
            )}
            {step.keywordImport.errorSummary.length > 0 && (
              <ul className="igny8-wizard__summary">
                {step.keywordImport.errorSummary.map((row) => (
                  <li key={row.reason}>
                    {sprintf(
                      /* translators: 1: why rows were refused, 2: how many */
                      _n('%1$s (%2$d row)', '%1$s (%2$d rows)', row.count, 'igny8'),
                      row.reason,
                      row.count,
                    )}
                  </li>
                ))}
              </ul>
            )}
            <div className="igny8-wizard__actions">
              <Button variant="primary" onClick={onClose}>
                {__('Done', 'igny8')}
              </Button>
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}
