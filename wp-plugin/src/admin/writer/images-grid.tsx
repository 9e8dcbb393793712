import { Button, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { store as writerStore, type Content, type ContentImage } from '../../store/writer';
import { imageSrc } from './writer-settings';

/** Alt text is what screen readers say: required, at most 250 characters (shared/src/writer-images.ts). */
const ALT_TEXT_MAX = 250;

/** The content's images (featured first), each with its alt text to check and change. */
export function ImagesGrid({ content, announce }: { content: Content; announce: (message: string) => void }) {
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
        <ImageCard key={image.id} image={image} announce={announce} />
      ))}
    </ul>
  );
}

function ImageCard({ image, announce }: { image: ContentImage; announce: (message: string) => void }) {
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
    </li>
  );
}
