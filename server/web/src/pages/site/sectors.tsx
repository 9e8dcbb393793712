import type { TSector, TSite } from '@igny8/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, SelectControl, TextareaControl, TextControl } from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import { get, patch, post } from '../../api/client';
import { ClientTable } from '../../components/client-table';
import { ListStates } from '../../components/list-states';
import { Empty, FormError } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { languageName, languageOptions } from '../../lib/languages';
import { useSession } from '../../session';
import { siteKey } from './common';

// ---------------------------------------------------------------------------------------------------------------
// Sectors

export function SectorForm({ site, sector, onDone }: { site: TSite; sector?: TSector; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(sector?.name ?? '');
  const [voice, setVoice] = useState(sector?.voice ?? '');
  const [language, setLanguage] = useState(sector?.language ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, voice, language: language === '' ? null : language };
      return sector
        ? patch<TSector>(`/sites/${site.id}/sectors/${sector.id}`, body)
        : post<TSector>(`/sites/${site.id}/sectors`, body);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'sectors'] });
      onDone();
    },
  });
  const inherit = sprintf(
    /* translators: %s: the site's language */
    __('The site’s language (%s)', 'igny8'),
    languageName(site.language),
  );
  return (
    <form
      className="igny8-form"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <TextControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Sector name', 'igny8')}
        value={name}
        onChange={(next: string) => setName(next)}
        required
      />
      <TextareaControl
        __nextHasNoMarginBottom
        label={__('Voice', 'igny8')}
        help={__('How this sector’s articles sound, e.g. “friendly expert”. Empty: the site’s voice.', 'igny8')}
        value={voice}
        onChange={(next: string) => setVoice(next)}
        rows={2}
      />
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Language', 'igny8')}
        value={language}
        options={languageOptions(inherit)}
        onChange={(next: string) => setLanguage(next)}
      />
      <FormError error={save.error} />
      <div className="igny8-button-row">
        <Button variant="tertiary" onClick={onDone}>
          {__('Cancel', 'igny8')}
        </Button>
        <Button variant="primary" type="submit" isBusy={save.isPending} disabled={save.isPending}>
          {sector ? __('Save sector', 'igny8') : __('Add sector', 'igny8')}
        </Button>
      </div>
    </form>
  );
}

export const sectorFields: Array<Field<TSector>> = [
  { id: 'name', label: __('Sector', 'igny8'), enableGlobalSearch: true, enableHiding: false },
  {
    id: 'voice',
    label: __('Voice', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => item.voice || <span className="igny8-muted">{__('The site’s voice', 'igny8')}</span>,
  },
  {
    id: 'effectiveLanguage',
    label: __('Language', 'igny8'),
    render: ({ item }) =>
      item.language
        ? languageName(item.language)
        : sprintf(
            /* translators: %s: language name */
            __('%s (the site’s)', 'igny8'),
            languageName(item.effectiveLanguage),
          ),
  },
  {
    id: 'createdAt',
    label: __('Added', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

export function Sectors({ site }: { site: TSite }) {
  const { can } = useSession();
  const [adding, setAdding] = useState(false);
  const sectors = useQuery({
    queryKey: [...siteKey(site.id), 'sectors'],
    queryFn: ({ signal }) => get<TSector[]>(`/sites/${site.id}/sectors`, undefined, signal),
  });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'name', direction: 'asc' },
    titleField: 'name',
    fields: ['voice', 'effectiveLanguage'],
    layout: {},
  } satisfies View;
  const actions: Array<Action<TSector>> = can('write')
    ? [
        {
          id: 'edit',
          label: __('Edit', 'igny8'),
          modalHeader: __('Edit sector', 'igny8'),
          RenderModal: ({ items, closeModal }) => (
            <SectorForm site={site} sector={items[0]!} onDone={() => closeModal?.()} />
          ),
        },
      ]
    : [];
  return (
    <section className="igny8-panel" aria-labelledby="igny8-sectors-title">
      <div className="igny8-panel__header">
        <h2 id="igny8-sectors-title">{__('Sectors', 'igny8')}</h2>
        {can('write') ? (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            {__('Add sector', 'igny8')}
          </Button>
        ) : null}
      </div>
      {adding ? (
        <Modal title={__('Add a sector', 'igny8')} onRequestClose={() => setAdding(false)}>
          <SectorForm site={site} onDone={() => setAdding(false)} />
        </Modal>
      ) : null}
      <ListStates
        query={sectors}
        isEmpty={sectors.data?.length === 0}
        empty={
          <Empty title={__('No sectors yet', 'igny8')}>
            {__('Keywords, ideas and articles belong to a sector: add the first one (a topic of the site).', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={sectors.data ?? []}
          fields={sectorFields}
          initialView={initialView}
          actions={actions}
          getItemId={(sector) => sector.id}
        />
      </ListStates>
    </section>
  );
}
