import { Button, Card, CardBody, CardHeader, CheckboxControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { type PublishedItem, store as automationStore } from '../../store/automation';
import { automationPage, writerTaskUrl } from './automation-page';
import { dateTimeText } from './dates';
import { NOTICE_CONTEXT } from './notices';

const outcomeText = (item: PublishedItem, asDraft: boolean): string => {
  if (item.error) {
    return item.error.message;
  }
  if (item.scheduledAt) {
    /* translators: %s: a date and time */
    return sprintf(__('Goes live %s', 'igny8'), dateTimeText(item.scheduledAt));
  }
  return asDraft ? __('Being saved as a draft now', 'igny8') : __('Being published now', 'igny8');
};

/** What the last "Approve and publish" did, item by item. */
function PublishedList({ items, asDraft }: { items: PublishedItem[]; asDraft: boolean }) {
  return (
    <table className="wp-list-table widefat striped igny8-automation__published">
      <caption>{__('Just approved', 'igny8')}</caption>
      <thead>
        <tr>
          <th scope="col">{__('Article', 'igny8')}</th>
          <th scope="col">{__('Outcome', 'igny8')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.contentId} data-content={item.contentId} data-outcome={item.error ? 'error' : 'ok'}>
            <th scope="row">{item.taskId ? <a href={writerTaskUrl(item.taskId)}>{item.title}</a> : item.title}</th>
            <td className={item.error ? 'igny8-automation__field-error' : undefined}>{outcomeText(item, asDraft)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Articles a run finished with auto-publish off: open one in the Writer, or approve and publish a selection. */
export function ReviewQueue({ asDraft }: { asDraft: boolean }) {
  const { canManage } = automationPage();
  const { review, published, publishing, error } = useSelect((select) => {
    const store = select(automationStore);
    return {
      review: store.getReview(),
      published: store.getPublished(),
      publishing: store.isPending('publish'),
      error: store.getError('review'),
    };
  }, []);
  const { publishReview, loadMoreReview, clearError, invalidateResolutionForStoreSelector } =
    useDispatch(automationStore);
  const { createNotice } = useDispatch(noticesStore);
  const [selected, setSelected] = useState<string[]>([]);
  const items = review?.items ?? [];

  // A selection keeps only what is still in the queue (`items` is derived from `review`).
  useEffect(() => {
    setSelected((current) => current.filter((id) => items.some((item) => item.contentId === id)));
  }, [review]);

  const toggle = (contentId: string, checked: boolean) =>
    setSelected((current) => (checked ? [...current, contentId] : current.filter((id) => id !== contentId)));

  const publish = async () => {
    const outcomes = await publishReview(selected);
    if (!outcomes) {
      return;
    }
    const failed = outcomes.filter((item) => item.error).length;
    const sent = outcomes.length - failed;
    if (sent > 0) {
      void createNotice(
        'success',
        sprintf(
          /* translators: %d: a number of articles */
          _n(
            '%d article approved and sent to WordPress.',
            '%d articles approved and sent to WordPress.',
            sent,
            'igny8',
          ),
          sent,
        ),
        { context: NOTICE_CONTEXT, id: 'igny8-automation-published' },
      );
    }
    if (failed > 0) {
      void createNotice(
        'error',
        sprintf(
          /* translators: %d: a number of articles */
          _n(
            '%d article could not be published: see why below.',
            '%d articles could not be published: see why below.',
            failed,
            'igny8',
          ),
          failed,
        ),
        { context: NOTICE_CONTEXT, id: 'igny8-automation-publish-failed' },
      );
    }
    setSelected([]);
  };

  const allSelected = items.length > 0 && selected.length === items.length;

  return (
    <section aria-labelledby="igny8-automation-review">
      <Card className="igny8-automation__panel">
        <CardHeader>
          <h2 id="igny8-automation-review">{__('Review queue', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          {error && (
            <ErrorNotice
              message={error.message}
              onDismiss={() => clearError('review')}
              onRetry={
                error.operation === 'load'
                  ? () => {
                      clearError('review');
                      invalidateResolutionForStoreSelector('getReview');
                    }
                  : undefined
              }
            />
          )}
          {published.length > 0 && <PublishedList items={published} asDraft={asDraft} />}
          {!review && !error && (
            <p>
              <Spinner />
              {__('Loading the review queue…', 'igny8')}
            </p>
          )}
          {review && items.length === 0 && (
            <EmptyState title={__('Nothing waits for review', 'igny8')}>
              <p>
                {__(
                  'With auto-publish off, the articles a run finishes wait here until someone reads and publishes them. Run automation to fill it.',
                  'igny8',
                )}
              </p>
            </EmptyState>
          )}
          {items.length > 0 && (
            <>
              {canManage && (
                <div className="igny8-automation__bulk">
                  <Button
                    variant="primary"
                    isBusy={publishing}
                    disabled={publishing || selected.length === 0}
                    onClick={() => void publish()}
                  >
                    {__('Approve and publish selected', 'igny8')}
                  </Button>
                  <span className="igny8-automation__selected" aria-live="polite">
                    {sprintf(
                      /* translators: %d: a number of articles */
                      _n('%d selected', '%d selected', selected.length, 'igny8'),
                      selected.length,
                    )}
                  </span>
                </div>
              )}
              <table className="wp-list-table widefat striped igny8-automation__review">
                <caption className="screen-reader-text">{__('Articles waiting for review', 'igny8')}</caption>
                <thead>
                  <tr>
                    {canManage && (
                      <td className="check-column">
                        <CheckboxControl
                          label={__('Select all', 'igny8')}
                          checked={allSelected}
                          onChange={(checked: boolean) =>
                            setSelected(checked ? items.map((item) => item.contentId) : [])
                          }
                        />
                      </td>
                    )}
                    <th scope="col">{__('Article', 'igny8')}</th>
                    <th scope="col">{__('Keyword', 'igny8')}</th>
                    <th scope="col">{__('Words', 'igny8')}</th>
                    <th scope="col">{__('Images', 'igny8')}</th>
                    <th scope="col">{__('Finished', 'igny8')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={item.contentId} data-content={item.contentId}>
                      {canManage && (
                        <td className="check-column">
                          <CheckboxControl
                            label={sprintf(
                              /* translators: %s: an article's title */
                              __('Select %s', 'igny8'),
                              item.title,
                            )}
                            checked={selected.includes(item.contentId)}
                            onChange={(checked: boolean) => toggle(item.contentId, checked)}
                          />
                        </td>
                      )}
                      <th scope="row">
                        <a href={writerTaskUrl(item.taskId)}>{item.title}</a>
                      </th>
                      <td>{item.primaryKeyword}</td>
                      <td>{item.wordCount.toLocaleString()}</td>
                      <td>{item.imageCount.toLocaleString()}</td>
                      <td>{dateTimeText(item.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {review?.nextCursor && (
                <p>
                  <Button variant="secondary" onClick={() => void loadMoreReview(review.nextCursor as string)}>
                    {__('Show more articles', 'igny8')}
                  </Button>
                </p>
              )}
            </>
          )}
        </CardBody>
      </Card>
    </section>
  );
}
