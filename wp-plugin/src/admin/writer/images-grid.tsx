import { Button, Spinner, TextareaControl, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import type { TContent, TContentImage } from '@igny8/shared';
import { store as writerStore } from '../../store/writer';
import { imageSrc } from './writer-settings';

/** Alt text is what screen readers say: required, at most 250 characters (shared/src/writer-images.ts). */
const ALT_TEXT_MAX = 250;
/** The server's bounds on a new prompt and a style (shared/src/writer-images.ts). */
const PROMPT_LIMITS = { min: 10, max: 2000 } as const;
const STYLE_MAX = 200;

/** The content's images (featured first), each with its alt text to check and change. */
export function ImagesGrid({ content, announce }: { content: TContent; announce: (message: string) => void }) {
  const images = useSelect((select) => select(writerStore).getImages(content.id), [content.id]);
  if (!images) {
    return (
      <p>
        <Spinner />
        {__('Loading the images…', 'igny8')}
      </p>
    );
  }
  if (images.length === 0) {
    return (
      <EmptyState title={__('No images yet', 'igny8')}>
        <p>{__('Choose "Make images" above to have a featured image and in-article images made.', 'igny8')}</p>
      </EmptyState>
    );
  }
  return (
    <ul className="igny8-writer__images">
      {images.map((image) => (
        <ImageCard key={image.id} image={image} taskId={content.taskId} announce={announce} />
      ))}
    </ul>
  );
}

interface ImageCardProps {
  image: TContentImage;
  taskId: string;
  announce: (message: string) => void;
}

function ImageCard({ image, taskId, announce }: ImageCardProps) {
  const [altText, setAltText] = useState(image.altText);
  const saving = useSelect((select) => select(writerStore).isPending('alt'), []);
  const { updateAltText } = useDispatch(writerStore);
  const name =
    image.role === 'featured'
      ? __('Featured image', 'igny8')
      : /* translators: %d: position of the image in the article */
        sprintf(__('Image %d in the article', 'igny8'), image.position);
  const save = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const saved = await updateAltText(image.id, altText.trim());
    if (saved) {
      /* translators: %s: image name, such as "Featured image" */
      announce(sprintf(__('The alt text of %s is saved.', 'igny8'), name));
    }
  };
  const invalid = altText.trim() === '' || altText.length > ALT_TEXT_MAX;
  return (
    <li className="igny8-writer__image">
      <h4>{name}</h4>
      {image.status === 'generated' ? (
        <img
          src={imageSrc(image.id)}
          alt={image.altText}
          loading="lazy"
          width={image.width ?? undefined}
          height={image.height ?? undefined}
        />
      ) : (
        <p className="igny8-writer__image-missing">
          {image.status === 'failed'
            ? (image.error ?? __('This image could not be made. Choose "Make images" to try again.', 'igny8'))
            : __('Not made yet.', 'igny8')}
        </p>
      )}
      <form onSubmit={save}>
        <TextControl
          label={__('Alt text', 'igny8')}
          value={altText}
          onChange={setAltText}
          /* translators: 1: characters used, 2: most characters allowed */
          help={sprintf(
            __('%1$d of %2$d characters. Describe the image for someone who cannot see it.', 'igny8'),
            altText.length,
            ALT_TEXT_MAX,
          )}
        />
        <Button type="submit" variant="secondary" disabled={invalid || saving || altText.trim() === image.altText}>
          {__('Save alt text', 'igny8')}
        </Button>
      </form>
      <RemakeImage image={image} taskId={taskId} name={name} announce={announce} />
    </li>
  );
}

/** "Make this image again": the other images stay; a new prompt or style when given (a paid run, like the first). */
function RemakeImage({ image, taskId, name, announce }: ImageCardProps & { name: string }) {
  const [open, setOpen] = useState(false);
  const [prompt, setPrompt] = useState(image.prompt);
  const [style, setStyle] = useState('');
  const busy = useSelect(
    (select) => select(writerStore).isPending('images') || select(writerStore).getActiveJob(taskId) !== undefined,
    [taskId],
  );
  const { regenerateImage } = useDispatch(writerStore);
  const promptChanged = prompt.trim() !== image.prompt.trim();
  const problem =
    promptChanged && prompt.trim().length < PROMPT_LIMITS.min
      ? /* translators: %d: fewest characters */
        sprintf(__('Describe the picture in at least %d characters.', 'igny8'), PROMPT_LIMITS.min)
      : null;

  if (!open) {
    return (
      <Button variant="link" onClick={() => setOpen(true)} disabled={busy}>
        {/* translators: %s: image name, such as "Featured image" */}
        {sprintf(__('Make %s again…', 'igny8'), name)}
      </Button>
    );
  }
  const remake = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    if (problem) {
      return;
    }
    /* translators: %s: image name, such as "Featured image" */
    announce(sprintf(__('Making %s again…', 'igny8'), name));
    const images = await regenerateImage(taskId, image.contentId, image.id, {
      prompt: promptChanged ? prompt : '',
      style,
    });
    if (images) {
      setOpen(false);
      /* translators: %s: image name, such as "Featured image" */
      announce(sprintf(__('%s is made again.', 'igny8'), name));
    }
  };
  return (
    <form className="igny8-writer__remake" onSubmit={remake}>
      <TextareaControl
        label={__('Prompt', 'igny8')}
        help={problem ?? __('What the picture shows. Change it, or keep it to get another take.', 'igny8')}
        value={prompt}
        onChange={setPrompt}
        maxLength={PROMPT_LIMITS.max}
        rows={3}
      />
      <TextControl
        label={__('Style', 'igny8')}
        help={__('Optional, such as "watercolour illustration".', 'igny8')}
        value={style}
        onChange={setStyle}
        maxLength={STYLE_MAX}
      />
      <div className="igny8-writer__actions">
        <Button type="submit" variant="secondary" disabled={busy || problem !== null} isBusy={busy}>
          {__('Make it again', 'igny8')}
        </Button>
        <Button variant="tertiary" onClick={() => setOpen(false)} disabled={busy}>
          {__('Cancel', 'igny8')}
        </Button>
      </div>
    </form>
  );
}
