import type { TConnectionKey } from '@igny8/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __ } from '@wordpress/i18n';
import { useMemo, useState } from 'react';
import { del, get, post } from '../../api/client';
import { ConfirmBody } from '../../components/confirm';
import { ClientTable } from '../../components/client-table';
import { ListStates } from '../../components/list-states';
import { ShownOnce } from '../../components/secret';
import { Empty, FormError } from '../../components/states';
import { formatDateTime } from '../../lib/format';

const CONNECTION_STATUSES = [
  { value: 'unused', label: __('Not used yet', 'igny8') },
  { value: 'used', label: __('Used', 'igny8') },
  { value: 'expired', label: __('Expired or revoked', 'igny8') },
];

const connectionKeyFields: Array<Field<TConnectionKey>> = [
  {
    id: 'createdAt',
    label: __('Created', 'igny8'),
    type: 'datetime',
    enableHiding: false,
    render: ({ item }) => formatDateTime(item.createdAt),
  },
  {
    id: 'status',
    label: __('Status', 'igny8'),
    elements: CONNECTION_STATUSES,
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => CONNECTION_STATUSES.find((s) => s.value === item.status)?.label,
  },
  {
    id: 'createdByName',
    label: __('Created by', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => item.createdByName ?? '—',
  },
  {
    id: 'siteName',
    label: __('Connected site', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => item.siteName ?? '—',
  },
  {
    id: 'expiresAt',
    label: __('Valid until', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.expiresAt),
  },
];

/** Connection keys for sites that cannot connect with a click: create (shown once), list, revoke. */
export function ConnectionKeys() {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const keys = useQuery({ queryKey: ['connection-keys'], queryFn: () => get<TConnectionKey[]>('/connection-keys') });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'createdAt', direction: 'desc' },
    titleField: 'createdAt',
    fields: ['status', 'createdByName', 'siteName', 'expiresAt'],
    layout: {},
  } satisfies View;

  async function create() {
    setBusy(true);
    setError(null);
    try {
      const created = await post<{ key: string; expiresAt: string }>('/connection-keys', {});
      setSecret(created.key);
      await queryClient.invalidateQueries({ queryKey: ['connection-keys'] });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const actions = useMemo<Array<Action<TConnectionKey>>>(
    () => [
      {
        id: 'revoke',
        label: __('Revoke', 'igny8'),
        isPrimary: true,
        isDestructive: true,
        isEligible: (item) => item.status === 'unused',
        modalHeader: __('Revoke the connection key?', 'igny8'),
        RenderModal: ({ items, closeModal }) => (
          <ConfirmBody
            confirmLabel={__('Revoke', 'igny8')}
            closeModal={closeModal}
            onConfirm={async () => {
              for (const key of items) await del(`/connection-keys/${key.id}`);
              await queryClient.invalidateQueries({ queryKey: ['connection-keys'] });
            }}
          >
            {__('The key stops working at once: no site can connect with it any more.', 'igny8')}
          </ConfirmBody>
        ),
      },
    ],
    [queryClient],
  );

  return (
    <section className="igny8-section" aria-labelledby="igny8-connection-keys-title">
      <div className="igny8-page__header">
        <div>
          <h2 id="igny8-connection-keys-title">{__('Connection keys', 'igny8')}</h2>
          <p className="igny8-page__description">
            {__(
              'For sites you cannot connect with a click (headless or scripted setups): paste the key in the site’s wp-admin, IGNY8 > Connection. A key connects one site and works for a short time.',
              'igny8',
            )}
          </p>
        </div>
        <Button variant="secondary" onClick={() => void create()} isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {__('Create connection key', 'igny8')}
        </Button>
      </div>
      <FormError error={error} />
      {secret ? (
        <ShownOnce label={__('Your new connection key', 'igny8')} value={secret} onDone={() => setSecret(null)} />
      ) : null}
      <ListStates
        query={keys}
        isEmpty={keys.data?.length === 0}
        empty={
          <Empty title={__('No connection keys', 'igny8')}>
            {__('Most sites connect with “Connect to IGNY8” in their wp-admin and need no key.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable rows={keys.data ?? []} fields={connectionKeyFields} initialView={initialView} actions={actions} />
      </ListStates>
    </section>
  );
}
