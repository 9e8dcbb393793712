import { getBlockContent, getBlockType, parse, type BlockInstance } from '@wordpress/blocks';
import { Button, Notice, PanelBody, TextareaControl } from '@wordpress/components';
import { select as selectNow, useDispatch, useSelect } from '@wordpress/data';
import { useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { toApiError } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { ProgressBar } from '../components/progress-bar';
import { networkPolling } from '../store/operations';
import { postBlockEstimate, postBlockRewrite } from '../store/writer/api';
import {
  mostCredits,
  previewLines,
  rewriteBlock,
  rewriteBody,
  rewriteProblem,
  selectionNote,
  type RewriteApi,
  type RewriteMode,
  type SelectedBlock,
} from './block-tools';
import { CostLine } from './cost-line';
import { IdempotencyKeys } from './credits';
import {
  BLOCK_EDITOR_STORE,
  EDITOR_STORE,
  type BlockEditorActions,
  type BlockEditorSelectors,
  type EditorSelectors,
} from './editor-store';
import type { RunProgress } from './job';
import type { CreditsProps } from './sidebar-credits';
import { useEstimate } from './use-estimate';

/** A rewritten block waiting for the person's choice. */
interface Rewritten {
  /** The block it was made for. */
  clientId: string;
  mode: RewriteMode;
  markup: string;
  blocks: BlockInstance[];
}

const message = (error: unknown) => toApiError(error).message;

/** What rewriteBlock calls, over the network. */
const rewriteApi: RewriteApi = { ...networkPolling, start: postBlockRewrite };

/** The block editor as it is now (read when the person acts, not on every change). */
const blockEditor = () => selectNow(BLOCK_EDITOR_STORE) as unknown as BlockEditorSelectors;

/**
 * "Selected block": improve or regenerate the one paragraph, heading, list or quote selected in the post (with an
 * optional instruction), the credits shown first, then a preview of the new block to replace it with (one step the
 * editor's Undo reverts) or insert below it, or discard.
 */
export function SelectedBlockPanel({ balance, onCharged }: CreditsProps) {
  const { selected, count, postTitle } = useSelect((select) => {
    const blocks = select(BLOCK_EDITOR_STORE) as BlockEditorSelectors;
    return {
      selected: blocks.getSelectedBlock(),
      count: blocks.getSelectedBlockCount(),
      postTitle: (select(EDITOR_STORE) as EditorSelectors).getEditedPostAttribute('title') ?? '',
    };
  }, []);
  const { replaceBlocks, insertBlocks } = useDispatch(BLOCK_EDITOR_STORE) as unknown as BlockEditorActions;

  const [instruction, setInstruction] = useState('');
  const [running, setRunning] = useState<RewriteMode | null>(null);
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [rewritten, setRewritten] = useState<Rewritten | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Set on the click, before React re-renders: a second click never starts (and pays for) a second run.
  const busy = useRef(false);
  const keys = useRef(new IdempotencyKeys());

  const note = selectionNote(
    count,
    selected ? { name: selected.name, title: getBlockType(selected.name)?.title } : null,
  );
  const block: SelectedBlock | null =
    note === null && selected
      ? { clientId: selected.clientId, name: selected.name, html: getBlockContent(selected) }
      : null;
  const problems: Record<RewriteMode, string | null> = {
    improve: block ? rewriteProblem('improve', block, instruction) : null,
    regenerate: block ? rewriteProblem('regenerate', block, instruction) : null,
  };
  const asking = block !== null && running === null && rewritten === null;
  const improve = useEstimate(
    asking && problems.improve === null ? rewriteBody('improve', block, postTitle, instruction) : null,
    postBlockEstimate,
  );
  const regenerate = useEstimate(
    asking && problems.regenerate === null ? rewriteBody('regenerate', block, postTitle, instruction) : null,
    postBlockEstimate,
  );
  const estimates: Record<RewriteMode, typeof improve> = { improve, regenerate };

  const run = async (mode: RewriteMode) => {
    if (busy.current || block === null) {
      return;
    }
    busy.current = true;
    setRunning(mode);
    setError(null);
    setDone(null);
    const body = rewriteBody(mode, block, postTitle, instruction);
    try {
      const result = await rewriteBlock(rewriteApi, body, keys.current.for(body), setProgress);
      keys.current.spend();
      onCharged(result.charged);
      setRewritten({ clientId: block.clientId, mode, markup: result.markup, blocks: parse(result.markup) });
    } catch (thrown) {
      setError(message(thrown));
    } finally {
      setProgress(null);
      setRunning(null);
      busy.current = false;
    }
  };

  const replace = () => {
    if (!rewritten) {
      return;
    }
    if (blockEditor().getBlock(rewritten.clientId) === null) {
      setError(__('The block this was written for is no longer in the post: insert it instead.', 'igny8'));
      return;
    }
    replaceBlocks(rewritten.clientId, rewritten.blocks);
    setRewritten(null);
    setDone(__('The block was replaced. Undo in the editor toolbar puts the old one back.', 'igny8'));
  };

  const insertBelow = () => {
    if (!rewritten) {
      return;
    }
    const editor = blockEditor();
    if (editor.getBlock(rewritten.clientId) !== null) {
      insertBlocks(
        rewritten.blocks,
        editor.getBlockIndex(rewritten.clientId) + 1,
        editor.getBlockRootClientId(rewritten.clientId),
      );
    } else {
      insertBlocks(rewritten.blocks);
    }
    setRewritten(null);
    setDone(__('The new block was inserted below the one it was written for.', 'igny8'));
  };

  const credits = mostCredits([improve.estimate, regenerate.estimate]);
  const bothRefused = problems.improve !== null && problems.regenerate !== null;
  const serverRefusal = improve.error ?? regenerate.error;

  return (
    <PanelBody title={__('Selected block', 'igny8')} initialOpen>
      {error && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {done && (
        <Notice status="success" isDismissible onRemove={() => setDone(null)}>
          {done}
        </Notice>
      )}
      {rewritten ? (
        <div className="igny8-sidebar__preview-box">
          <p className="igny8-sidebar__label">
            {rewritten.mode === 'improve' ? __('Improved block', 'igny8') : __('Regenerated block', 'igny8')}
          </p>
          <div className="igny8-sidebar__preview" aria-label={__('Preview of the new block', 'igny8')}>
            {previewLines(rewritten.markup).map((line, index) =>
              line.item ? (
                <p key={index} className="igny8-sidebar__preview-item">
                  {'• '}
                  {line.text}
                </p>
              ) : (
                <p key={index}>{line.text}</p>
              ),
            )}
          </div>
          <div className="igny8-sidebar__actions">
            <Button variant="primary" onClick={replace}>
              {__('Replace block', 'igny8')}
            </Button>
            <Button variant="secondary" onClick={insertBelow}>
              {__('Insert below', 'igny8')}
            </Button>
            <Button variant="tertiary" onClick={() => setRewritten(null)}>
              {__('Discard', 'igny8')}
            </Button>
          </div>
        </div>
      ) : note !== null && running === null ? (
        <p className="igny8-sidebar__note">{note}</p>
      ) : (
        <>
          <TextareaControl
            label={__('Instruction (optional)', 'igny8')}
            help={__('For example: shorter, friendlier, add an example.', 'igny8')}
            value={instruction}
            onChange={(value: string) => setInstruction(value)}
            rows={2}
            disabled={running !== null}
          />
          <CostLine
            credits={credits}
            siteBudget={improve.estimate?.siteBudget ?? regenerate.estimate?.siteBudget}
            estimating={improve.estimating || regenerate.estimating}
            balance={balance}
            problem={bothRefused ? problems.regenerate : credits === null ? serverRefusal : null}
          />
          {!bothRefused && (problems.improve ?? problems.regenerate) && (
            <p className="igny8-sidebar__hint">{problems.improve ?? problems.regenerate}</p>
          )}
          {progress && running && (
            <ProgressBar
              value={progress.progress}
              label={running === 'improve' ? __('Improving the block', 'igny8') : __('Regenerating the block', 'igny8')}
              detail={progress.step}
            />
          )}
          <div className="igny8-sidebar__actions">
            {(['improve', 'regenerate'] as const).map((mode) => (
              <Button
                key={mode}
                variant={mode === 'improve' ? 'primary' : 'secondary'}
                onClick={() => void run(mode)}
                disabled={running !== null || problems[mode] !== null || estimates[mode].estimate === null}
                isBusy={running === mode}
              >
                {mode === 'improve' ? __('Improve', 'igny8') : __('Regenerate', 'igny8')}
              </Button>
            ))}
          </div>
        </>
      )}
    </PanelBody>
  );
}
