import { Button, SelectControl, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { KEYWORDS_PAGE_SIZE } from '../../store/planner/constants';
import type { TKeywordFilter, TKeywordIntent, TKeywordStatus } from '@igny8/shared';
import { store as plannerStore } from '../../store/planner';
import { ImportWizard } from './import-wizard';
import { INTENTS, KEYWORD_STATUSES, formatNumber, intentLabel, keywordStatusLabel } from './labels';

interface KeywordsPanelProps {
  sectorId: string;
  announce: (message: string) => void;
}

type BulkChoice = '' | 'delete' | 'ignored' | 'new';

/** A sector's keywords: filters, a page of 50 with previous/next, bulk actions and the import wizard. */
export function KeywordsPanel({ sectorId, announce }: KeywordsPanelProps) {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<TKeywordFilter>({ sectorId });
  // Cursors of the pages before this one (the API pages forward only).
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkChoice, setBulkChoice] = useState<BulkChoice>('');
  const [isWizardOpen, setWizardOpen] = useState(false);

  const cursor = cursors[cursors.length - 1];
  const query = { ...filter, limit: KEYWORDS_PAGE_SIZE, cursor };
  const { page, total, sectorTotal, isBulkPending } = useSelect(
    (select) => {
      const planner = select(plannerStore);
      return {
        page: planner.getKeywords(query),
        total: planner.getKeywordCount(filter),
        sectorTotal: planner.getKeywordCount({ sectorId }),
        isBulkPending: planner.isPending('bulk'),
      };
    },
    [JSON.stringify(query), sectorId],
  );
  const { bulkKeywords } = useDispatch(plannerStore);

  const applyFilter = (next: TKeywordFilter) => {
    setFilter(next);
    setCursors([]);
    setSelected([]);
  };
  const items = page?.items ?? [];
  const allSelected = items.length > 0 && items.every((keyword) => selected.includes(keyword.id));

  const applyBulk = async () => {
    if (!bulkChoice || selected.length === 0) {
      return;
    }
    if (
      bulkChoice === 'delete' &&
      // The browser's own dialog: keyboard and screen-reader friendly, and it stops a slip of the mouse.
      !window.confirm(
        sprintf(
          /* translators: %d: number of keywords */
          _n(
            'Delete %d keyword? This cannot be undone.',
            'Delete %d keywords? This cannot be undone.',
            selected.length,
            'igny8',
          ),
          selected.length,
        ),
      )
    ) {
      return;
    }
    const result = await bulkKeywords(
      selected,
      bulkChoice === 'delete' ? { action: 'delete' } : { action: 'set_status', status: bulkChoice },
    );
    if (result) {
      announce(
        sprintf(
          /* translators: %d: number of keywords */
          _n('%d keyword changed.', '%d keywords changed.', result.affected, 'igny8'),
          result.affected,
        ),
      );
      setSelected([]);
      setBulkChoice('');
    }
  };

  const first = cursors.length * KEYWORDS_PAGE_SIZE + 1;
  const wizard = isWizardOpen && (
    <ImportWizard key="import-wizard" sectorId={sectorId} onClose={() => setWizardOpen(false)} announce={announce} />
  );
  const importButton = (
    <Button variant="primary" onClick={() => setWizardOpen(true)}>
      {__('Import keywords', 'igny8')}
    </Button>
  );

  // The wizard stays at one place in the tree whether the sector is empty or not, so importing the first keywords
  // (which swaps the empty state for the table) does not close it.
  if (sectorTotal === 0) {
    return (
      <div className="igny8-planner__section">
        <EmptyState title={__('No keywords in this sector yet', 'igny8')} action={importButton}>
          <p>
            {__(
              'Import a keyword export from Semrush, Ahrefs, Google Search Console, Google Keyword Planner or Moz, or a CSV file with one keyword per line. IGNY8 then groups them into clusters and suggests articles.',
              'igny8',
            )}
          </p>
        </EmptyState>
        {wizard}
      </div>
    );
  }

  return (
    <div className="igny8-planner__section">
      <form
        className="igny8-planner__toolbar"
        role="search"
        aria-label={__('Filter keywords', 'igny8')}
        onSubmit={(event) => {
          event.preventDefault();
          applyFilter({ ...filter, q: search.trim() || undefined });
        }}
      >
        <TextControl label={__('Search keywords', 'igny8')} value={search} onChange={setSearch} />
        <Button variant="secondary" type="submit">
          {__('Search', 'igny8')}
        </Button>
        <SelectControl
          label={__('Intent', 'igny8')}
          value={filter.intent ?? ''}
          options={[
            { label: __('Any intent', 'igny8'), value: '' },
            ...INTENTS.map((intent) => ({ label: intentLabel(intent), value: intent })),
          ]}
          onChange={(value: string) => applyFilter({ ...filter, intent: (value || undefined) as TKeywordIntent })}
        />
        <SelectControl
          label={__('Status', 'igny8')}
          value={filter.status ?? ''}
          options={[
            { label: __('Any status', 'igny8'), value: '' },
            ...KEYWORD_STATUSES.map((status) => ({ label: keywordStatusLabel(status), value: status })),
          ]}
          onChange={(value: string) => applyFilter({ ...filter, status: (value || undefined) as TKeywordStatus })}
        />
        {importButton}
      </form>

      <div className="igny8-planner__toolbar">
        <SelectControl
          label={__('Bulk action', 'igny8')}
          value={bulkChoice}
          options={[
            { label: __('Choose an action', 'igny8'), value: '' },
            { label: __('Mark as ignored', 'igny8'), value: 'ignored' },
            { label: __('Mark as new', 'igny8'), value: 'new' },
            { label: __('Delete', 'igny8'), value: 'delete' },
          ]}
          onChange={(value: string) => setBulkChoice(value as BulkChoice)}
        />
        <Button
          variant="secondary"
          onClick={applyBulk}
          isBusy={isBulkPending}
          __experimentalIsFocusable
          disabled={!bulkChoice || selected.length === 0 || isBulkPending}
        >
          {sprintf(
            /* translators: %d: number of selected keywords */
            _n('Apply to %d keyword', 'Apply to %d keywords', selected.length, 'igny8'),
            selected.length,
          )}
        </Button>
      </div>

      {!page && <Spinner />}
      {page && items.length === 0 && (
        <EmptyState title={__('No keywords match these filters', 'igny8')}>
          <p>{__('Change the search or the filters to see more keywords.', 'igny8')}</p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <table className="wp-list-table widefat fixed striped igny8-planner__table">
          <caption className="screen-reader-text">{__('Keywords', 'igny8')}</caption>
          <thead>
            <tr>
              <td className="check-column">
                <input
                  type="checkbox"
                  aria-label={__('Select all keywords on this page', 'igny8')}
                  checked={allSelected}
                  onChange={(event) =>
                    setSelected(event.currentTarget.checked ? items.map((keyword) => keyword.id) : [])
                  }
                />
              </td>
              <th scope="col" className="igny8-planner__keyword-column">
                {__('Keyword', 'igny8')}
              </th>
              <th scope="col" className="num">
                {__('Volume', 'igny8')}
              </th>
              <th scope="col" className="num">
                {__('Difficulty', 'igny8')}
              </th>
              <th scope="col">{__('Intent', 'igny8')}</th>
              <th scope="col">{__('Status', 'igny8')}</th>
              <th scope="col">{__('Cluster', 'igny8')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((keyword) => (
              <tr key={keyword.id}>
                <th scope="row" className="check-column">
                  <input
                    type="checkbox"
                    /* translators: %s: a keyword */
                    aria-label={sprintf(__('Select %s', 'igny8'), keyword.keyword)}
                    checked={selected.includes(keyword.id)}
                    onChange={(event) => {
                      const { checked } = event.currentTarget;
                      setSelected(checked ? [...selected, keyword.id] : selected.filter((id) => id !== keyword.id));
                    }}
                  />
                </th>
                <td>{keyword.keyword}</td>
                <td className="num">{formatNumber(keyword.volume)}</td>
                <td className="num">{formatNumber(keyword.difficulty)}</td>
                <td>{intentLabel(keyword.intent)}</td>
                <td>{keywordStatusLabel(keyword.status)}</td>
                <td>{keyword.clusterName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {items.length > 0 && (
        <nav className="igny8-planner__pagination" aria-label={__('Keyword pages', 'igny8')}>
          <Button
            variant="secondary"
            __experimentalIsFocusable
            disabled={cursors.length === 0}
            onClick={() => {
              setCursors(cursors.slice(0, -1));
              setSelected([]);
            }}
          >
            {__('Previous page', 'igny8')}
          </Button>
          <span>
            {total === undefined
              ? sprintf(
                  /* translators: 1: first row number, 2: last row number */
                  __('Keywords %1$d–%2$d', 'igny8'),
                  first,
                  first + items.length - 1,
                )
              : sprintf(
                  /* translators: 1: first row number, 2: last row number, 3: number of keywords in all */
                  __('Keywords %1$d–%2$d of %3$d', 'igny8'),
                  first,
                  first + items.length - 1,
                  total,
                )}
          </span>
          <Button
            variant="secondary"
            __experimentalIsFocusable
            disabled={!page?.nextCursor}
            onClick={() => {
              if (page?.nextCursor) {
                setCursors([...cursors, page.nextCursor]);
                setSelected([]);
              }
            }}
          >
            {__('Next page', 'igny8')}
          </Button>
        </nav>
      )}
      {wizard}
    </div>
  );
}
