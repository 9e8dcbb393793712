import { Button, Notice, SelectControl, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import type { TContent, TPublication, TPublishStatus } from '@igny8/shared';
import { store as writerStore } from '../../store/writer';
import { termList } from './terms';
import { writerSettings } from './writer-settings';

const publicationText = (publication: TPublication): string => {
  switch (publication.status) {
    case 'published':
      return __('Published on this site.', 'igny8');
    case 'draft':
      return __('Saved on this site as a draft.', 'igny8');
    case 'scheduled':
      return __('Scheduled on this site.', 'igny8');
    case 'unpublished':
      return __('Taken down (in the trash).', 'igny8');
    case 'failed':
      return publication.lastError ?? __('Publishing failed.', 'igny8');
    default:
      return __('Being published…', 'igny8');
  }
};

/** Publishes the approved version to this site: now, as a draft, or at a date; with categories and tags. */
export function PublishPanel({ content, announce }: { content: TContent; announce: (message: string) => void }) {
  const { canPublish, publish: defaults } = writerSettings();
  const { publication, publishing } = useSelect(
    (select) => ({
      publication: select(writerStore).getPublication(content.id),
      publishing: select(writerStore).isPending('publish'),
    }),
    [content.id],
  );
  const { publishContent } = useDispatch(writerStore);
  // The form starts from the publishing defaults an administrator set on IGNY8 > Settings.
  const [status, setStatus] = useState<TPublishStatus>(defaults.status);
  const [date, setDate] = useState('');
  const [categories, setCategories] = useState(defaults.category);
  const [tags, setTags] = useState('');

  const publish = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const done = await publishContent(content.taskId, content.id, {
      status,
      ...(status === 'future' && date ? { scheduledAt: new Date(date).toISOString() } : {}),
      categories: termList(categories),
      tags: termList(tags),
    });
    if (done) {
      announce(publicationText(done));
    }
  };

  return (
    <div className="igny8-writer__publish">
      {publication === undefined && <Spinner />}
      {publication && (
        <Notice status={publication.status === 'failed' ? 'error' : 'info'} isDismissible={false}>
          {publicationText(publication)}{' '}
          {publication.url && publication.status !== 'unpublished' && (
            // A plain link: WordPress 6.1's Notice serializes its children for speak() (renderToString), which runs
            // ExternalLink's hooks inside the Notice and breaks its hook order.
            <a href={publication.url} target="_blank" rel="noopener noreferrer">
              {__('View the post', 'igny8')}
              <span className="screen-reader-text"> {__('(opens in a new tab)', 'igny8')}</span>
            </a>
          )}
        </Notice>
      )}
      {!canPublish ? (
        <p>
          {__(
            'Only users who can publish posts can publish with IGNY8. Ask an editor to publish this article.',
            'igny8',
          )}
        </p>
      ) : !content.approved ? (
        <p>{__('Approve the current version first: only an approved version is published.', 'igny8')}</p>
      ) : (
        <form onSubmit={publish}>
          <SelectControl
            label={__('Publish as', 'igny8')}
            value={status}
            options={[
              { label: __('Published now', 'igny8'), value: 'publish' },
              { label: __('Draft', 'igny8'), value: 'draft' },
              { label: __('Scheduled', 'igny8'), value: 'future' },
            ]}
            onChange={(value: string) => setStatus(value as TPublishStatus)}
          />
          {status === 'future' && (
            <TextControl
              type="datetime-local"
              label={__('Publish on', 'igny8')}
              value={date}
              onChange={setDate}
              help={__('In your browser’s time zone; it must be in the future.', 'igny8')}
            />
          )}
          <TextControl
            label={__('Categories', 'igny8')}
            value={categories}
            onChange={setCategories}
            help={__('Separate them with commas; missing ones are created.', 'igny8')}
          />
          <TextControl
            label={__('Tags', 'igny8')}
            value={tags}
            onChange={setTags}
            help={__('Separate them with commas; missing ones are created.', 'igny8')}
          />
          <Button
            type="submit"
            variant="primary"
            disabled={publishing || (status === 'future' && !date)}
            isBusy={publishing}
          >
            {publication && publication.postId !== null ? __('Publish again', 'igny8') : __('Publish', 'igny8')}
          </Button>
          {/* translators: %d: version number */}
          <p>
            {sprintf(__('Version %d will be published.', 'igny8'), content.approvedVersion ?? content.currentVersion)}
          </p>
        </form>
      )}
    </div>
  );
}
