import type { TSector, TWriterEstimate } from '@igny8/shared';
import { parse } from '@wordpress/blocks';
import { Button, Notice, PanelBody, SelectControl, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { toApiError } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { ProgressBar } from '../components/progress-bar';
import { networkPolling } from '../store/operations';
import { fetchSectors } from '../store/planner/api';
import { fetchTaskContent, postEstimate, postGenerate, postTask } from '../store/writer/api';
import { DEFAULT_WORDS, draftProblem, taskBody, writeDraft, type DraftApi, type DraftFields } from './draft';
import { budgetLine, overBudget } from './credits';
import {
  BLOCK_EDITOR_STORE,
  EDITOR_STORE,
  META,
  type BlockEditorActions,
  type EditorActions,
  type EditorSelectors,
} from './editor-store';
import type { RunProgress } from './job';

/** How long typing must pause before the estimate is asked again. */
const ESTIMATE_DELAY_MS = 500;

const message = (error: unknown) => toApiError(error).message;

/** What writeDraft calls, over the network. */
const draftApi: DraftApi = {
  ...networkPolling,
  createTask: postTask,
  generate: (taskId) => postGenerate(taskId, false),
  content: fetchTaskContent,
};

/**
 * "Write a draft": a keyword (and optional title and length), the credits it would hold shown before anything
 * runs, then a hand task for this site written with AI, followed to its end, and its blocks inserted in the post.
 */
export function WriteDraftPanel() {
  const editor = window.igny8Editor;
  if (!editor?.connected) {
    return (
      <PanelBody title={__('Write a draft', 'igny8')} initialOpen>
        <Notice status="warning" isDismissible={false}>
          {__('Connect this site to IGNY8 to write drafts here.', 'igny8')}{' '}
          {editor?.connectionUrl ? (
            <a href={editor.connectionUrl}>{__('Go to IGNY8 > Connection', 'igny8')}</a>
          ) : (
            __('Ask an administrator to connect it.', 'igny8')
          )}
        </Notice>
      </PanelBody>
    );
  }
  return <ConnectedDraftPanel />;
}

function ConnectedDraftPanel() {
  const [fields, setFields] = useState<DraftFields>({ keyword: '', title: '', words: '' });
  const [sectors, setSectors] = useState<TSector[] | null>(null);
  const [sectorId, setSectorId] = useState('');
  const [estimate, setEstimate] = useState<TWriterEstimate | null>(null);
  const [estimating, setEstimating] = useState(false);
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inserted, setInserted] = useState<number | null>(null);
  // Set from the click on, before the first progress arrives: a second click never starts (and pays for) a second draft.
  const [starting, setStarting] = useState(false);

  const postTitle = useSelect(
    (select) => (select(EDITOR_STORE) as EditorSelectors).getEditedPostAttribute('title') ?? '',
    [],
  );
  const { editPost } = useDispatch(EDITOR_STORE) as unknown as EditorActions;
  const { insertBlocks } = useDispatch(BLOCK_EDITOR_STORE) as unknown as BlockEditorActions;

  useEffect(() => {
    fetchSectors().then(
      (loaded) => setSectors(loaded),
      (thrown: unknown) => setError(message(thrown)),
    );
  }, []);

  const problem = draftProblem(fields);
  const chosenSector = sectorId || sectors?.[0]?.id || '';

  // The estimate follows the fields (after a pause in typing); a newer one cancels the one in flight.
  useEffect(() => {
    setEstimate(null);
    if (problem !== null) {
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setEstimating(true);
      postEstimate(taskBody(fields), controller.signal).then(
        (answer) => {
          setEstimate(answer);
          setEstimating(false);
        },
        (thrown: unknown) => {
          if (!controller.signal.aborted) {
            setError(message(thrown));
            setEstimating(false);
          }
        },
      );
    }, ESTIMATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [fields, problem]);

  const change = (name: keyof DraftFields) => (value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    setInserted(null);
  };

  const run = async () => {
    if (starting) {
      return;
    }
    setStarting(true);
    setError(null);
    setInserted(null);
    try {
      const content = await writeDraft(draftApi, taskBody(fields, chosenSector), setProgress);
      const blocks = parse(content.version.body);
      insertBlocks(blocks);
      editPost({
        ...(postTitle.trim() === '' ? { title: content.version.title } : {}),
        meta: { [META.seoTitle]: content.version.seoTitle, [META.seoDescription]: content.version.metaDescription },
      });
      setInserted(blocks.length);
    } catch (thrown) {
      setError(message(thrown));
    } finally {
      setProgress(null);
      setStarting(false);
    }
  };

  const running = progress !== null;
  const noSectors = sectors !== null && sectors.length === 0;

  return (
    <PanelBody title={__('Write a draft', 'igny8')} initialOpen>
      {error && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {inserted !== null && (
        <Notice status="success" isDismissible onRemove={() => setInserted(null)}>
          {sprintf(
            /* translators: %d: number of blocks */
            _n(
              'The draft was inserted (%d block). Save the post to keep it.',
              'The draft was inserted (%d blocks). Save the post to keep it.',
              inserted,
              'igny8',
            ),
            inserted,
          )}
        </Notice>
      )}
      <TextControl
        label={__('Keyword or idea', 'igny8')}
        value={fields.keyword}
        onChange={change('keyword')}
        disabled={running}
      />
      <TextControl
        label={__('Title (optional)', 'igny8')}
        help={__('Made from the keyword when empty.', 'igny8')}
        value={fields.title}
        onChange={change('title')}
        disabled={running}
      />
      <TextControl
        label={__('Length in words', 'igny8')}
        type="number"
        min={300}
        max={6000}
        step={100}
        placeholder={String(DEFAULT_WORDS)}
        value={fields.words}
        onChange={change('words')}
        disabled={running}
      />
      {sectors !== null && sectors.length > 1 && (
        <SelectControl
          label={__('Sector', 'igny8')}
          value={chosenSector}
          options={sectors.map((sector) => ({ value: sector.id, label: sector.name }))}
          onChange={(value: string) => setSectorId(value)}
          disabled={running}
        />
      )}
      {noSectors && (
        <Notice status="warning" isDismissible={false}>
          {__('This site has no sectors in IGNY8 yet: add one on the IGNY8 Planner screen first.', 'igny8')}
        </Notice>
      )}
      <div className="igny8-sidebar__estimate" aria-live="polite">
        {fields.keyword.trim() !== '' && problem !== null && <p className="igny8-sidebar__problem">{problem}</p>}
        {problem === null && estimating && <Spinner />}
        {problem === null && estimate && !estimating && (
          <p>
            {sprintf(
              /* translators: 1: number of credits, 2: AI model */
              _n(
                'Estimated cost: up to %1$d credit (%2$s). Only what is used is charged.',
                'Estimated cost: up to %1$d credits (%2$s). Only what is used is charged.',
                estimate.credits,
                'igny8',
              ),
              estimate.credits,
              estimate.model,
            )}
          </p>
        )}
        {problem === null && estimate?.siteBudget && !estimating && (
          <p className="igny8-sidebar__budget">{budgetLine(estimate.siteBudget)}</p>
        )}
        {problem === null && estimate && !estimating && overBudget(estimate.credits, estimate.siteBudget) && (
          <p className="igny8-sidebar__problem">{overBudget(estimate.credits, estimate.siteBudget)}</p>
        )}
      </div>
      {running && (
        <ProgressBar value={progress.progress} label={__('Writing the draft', 'igny8')} detail={progress.step} />
      )}
      <Button
        variant="primary"
        onClick={() => void run()}
        // The same fields once written stay written: change one to write another draft (and pay for it).
        disabled={running || starting || inserted !== null || problem !== null || estimate === null || !chosenSector}
        isBusy={running || starting}
      >
        {__('Write draft', 'igny8')}
      </Button>
    </PanelBody>
  );
}
