import { Button, Notice, PanelBody, TextControl, TextareaControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { toApiError } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { ProgressBar } from '../components/progress-bar';
import { networkPolling } from '../store/operations';
import { postAttachment, postEditorImage, postImageEstimate } from '../store/writer/api';
import type { EditorAttachment } from '../store/writer/types';
import { CostLine } from './cost-line';
import { IdempotencyKeys } from './credits';
import { EDITOR_STORE, type EditorActions, type EditorSelectors } from './editor-store';
import { imageBody, imageProblem, makeFeaturedImage, type ImageApi, type ImageFields } from './featured-image';
import type { RunProgress } from './job';
import type { CreditsProps } from './sidebar-credits';
import { useEstimate } from './use-estimate';

const message = (error: unknown) => toApiError(error).message;

/** What makeFeaturedImage calls, over the network. */
const imageApi: ImageApi = { ...networkPolling, start: postEditorImage, attach: postAttachment };

/**
 * "Featured image": a description (the post title until one is typed) and an optional alt text, the credits shown
 * first, then the image made with AI, added to the media library attached to this post, and set as its featured
 * image in the editor (the person saves the post to keep it).
 */
export function FeaturedImagePanel(props: CreditsProps) {
  if (window.igny8Editor?.canUpload === false) {
    return (
      <PanelBody title={__('Featured image', 'igny8')} initialOpen={false}>
        <p className="igny8-sidebar__note">
          {__(
            'Making a featured image adds it to the media library, which needs the permission to upload files: ask an editor or an administrator.',
            'igny8',
          )}
        </p>
      </PanelBody>
    );
  }
  return <FeaturedImageTools {...props} />;
}

function FeaturedImageTools({ balance, onCharged }: CreditsProps) {
  const { postId, postTitle } = useSelect((select) => {
    const editor = select(EDITOR_STORE) as EditorSelectors;
    return { postId: editor.getCurrentPostId(), postTitle: editor.getEditedPostAttribute('title') ?? '' };
  }, []);
  const { editPost } = useDispatch(EDITOR_STORE) as unknown as EditorActions;

  // null: the description follows the post title until the person types one.
  const [prompt, setPrompt] = useState<string | null>(null);
  const [altText, setAltText] = useState('');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  // An image made (and paid for) that is not in the media library yet: adding it again costs nothing.
  const [made, setMade] = useState<string | null>(null);
  const [done, setDone] = useState<{ attachment: EditorAttachment; body: string } | null>(null);
  const busy = useRef(false);
  const keys = useRef(new IdempotencyKeys());

  const fields: ImageFields = { prompt: prompt ?? postTitle, altText };
  const problem = imageProblem(fields);
  const body = imageBody(fields, postId);
  const sameAsDone = done !== null && done.body === JSON.stringify(body);
  const {
    estimate,
    estimating,
    error: refusal,
  } = useEstimate(problem === null && !running && made === null && !sameAsDone ? body : null, postImageEstimate);

  const setFeatured = (attachment: EditorAttachment) => {
    editPost({ featured_media: attachment.attachmentId });
    setMade(null);
    setDone({ attachment, body: JSON.stringify(body) });
  };

  const generate = async () => {
    if (busy.current || postId === null) {
      return;
    }
    busy.current = true;
    setRunning(true);
    setError(null);
    setDone(null);
    try {
      const image = await makeFeaturedImage(
        imageApi,
        body,
        postId,
        keys.current.for(body),
        setProgress,
        (editorImageId, charged) => {
          keys.current.spend();
          setMade(editorImageId);
          onCharged(charged);
        },
      );
      setFeatured(image.attachment);
    } catch (thrown) {
      setError(message(thrown));
    } finally {
      setProgress(null);
      setRunning(false);
      busy.current = false;
    }
  };

  const addAgain = async () => {
    if (busy.current || made === null || postId === null) {
      return;
    }
    busy.current = true;
    setRunning(true);
    setError(null);
    try {
      setFeatured(await postAttachment(made, postId));
    } catch (thrown) {
      setError(message(thrown));
    } finally {
      setRunning(false);
      busy.current = false;
    }
  };

  return (
    <PanelBody title={__('Featured image', 'igny8')} initialOpen>
      {error && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {done && (
        <Notice status="success" isDismissible={false}>
          {__('The image is in the media library and set as the featured image. Save the post to keep it.', 'igny8')}
        </Notice>
      )}
      {done && <img className="igny8-sidebar__image" src={done.attachment.url} alt={done.attachment.altText} />}
      <TextareaControl
        label={__('Describe the image', 'igny8')}
        help={prompt === null ? __('The post title until you type a description.', 'igny8') : undefined}
        value={fields.prompt}
        onChange={(value: string) => setPrompt(value)}
        rows={3}
        disabled={running || made !== null}
      />
      <TextControl
        label={__('Alt text (optional)', 'igny8')}
        help={__(
          'What the image shows, for people who cannot see it. Written from the description when empty.',
          'igny8',
        )}
        value={altText}
        onChange={(value: string) => setAltText(value)}
        disabled={running || made !== null}
      />
      {made === null && !sameAsDone && (
        <CostLine
          credits={estimate?.credits ?? null}
          siteBudget={estimate?.siteBudget}
          estimating={estimating}
          balance={balance}
          problem={problem ?? refusal}
        />
      )}
      {progress && (
        <ProgressBar value={progress.progress} label={__('Making the image', 'igny8')} detail={progress.step} />
      )}
      {made !== null ? (
        <div className="igny8-sidebar__actions">
          <Button variant="primary" onClick={() => void addAgain()} disabled={running} isBusy={running}>
            {__('Add the image to the media library again', 'igny8')}
          </Button>
          <Button variant="tertiary" onClick={() => setMade(null)} disabled={running}>
            {__('Make a new image instead', 'igny8')}
          </Button>
        </div>
      ) : (
        <Button
          variant="primary"
          onClick={() => void generate()}
          // The same fields once made stay made: change one to make (and pay for) another image.
          disabled={running || sameAsDone || problem !== null || estimate === null || postId === null}
          isBusy={running}
        >
          {__('Generate featured image', 'igny8')}
        </Button>
      )}
    </PanelBody>
  );
}
