import '@wordpress/dataviews/build-style/style.css';
import type { TApiKey, TApiKeyScope } from '@igny8/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, CheckboxControl, Modal, TextControl } from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useMemo, useState, type FormEvent } from 'react';
import { del, get, post } from '../api/client';
import { ConfirmBody } from '../components/confirm';
import { ClientTable } from '../components/client-table';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { ShownOnce } from '../components/secret';
import { Empty, FormError, NotPermitted } from '../components/states';
import { formatDateTime, formatRelative } from '../lib/format';
import { useSession } from '../session';
import { ConnectionKeys } from './api-keys/connection-keys';

const AREAS: Array<{ area: string; label: string }> = [
  { area: 'sites', label: __('Sites', 'igny8') },
  { area: 'jobs', label: __('Jobs', 'igny8') },
  { area: 'members', label: __('Members', 'igny8') },
  { area: 'planner', label: __('Planner', 'igny8') },
  { area: 'writer', label: __('Writer', 'igny8') },
  { area: 'publisher', label: __('Publisher', 'igny8') },
];
const scopeLabel = (scope: string) => {
  const [area, access] = scope.split(':');
  const name = AREAS.find((a) => a.area === area)?.label ?? area ?? scope;
  return access === 'write' ? sprintf(__('%s: read and write', 'igny8'), name) : sprintf(__('%s: read', 'igny8'), name);
};

type KeyStatus = 'active' | 'revoked' | 'expired';
const keyStatus = (key: TApiKey, now = Date.now()): KeyStatus =>
  key.revokedAt ? 'revoked' : key.expiresAt && new Date(key.expiresAt).getTime() <= now ? 'expired' : 'active';
const KEY_STATUSES = [
  { value: 'active', label: __('Active', 'igny8') },
  { value: 'revoked', label: __('Revoked', 'igny8') },
  { value: 'expired', label: __('Expired', 'igny8') },
];

const apiKeyFields: Array<Field<TApiKey>> = [
  { id: 'name', label: __('Name', 'igny8'), enableGlobalSearch: true, enableHiding: false },
  {
    id: 'prefix',
    label: __('Key starts with', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => <code>{item.prefix}</code>,
  },
  {
    id: 'scopes',
    label: __('Scopes', 'igny8'),
    enableSorting: false,
    getValue: ({ item }) => item.scopes.join(' '),
    render: ({ item }) => item.scopes.map(scopeLabel).join(', '),
  },
  {
    id: 'status',
    label: __('Status', 'igny8'),
    getValue: ({ item }) => keyStatus(item),
    elements: KEY_STATUSES,
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => KEY_STATUSES.find((s) => s.value === keyStatus(item))?.label,
  },
  {
    id: 'lastUsedAt',
    label: __('Last used', 'igny8'),
    type: 'datetime',
    render: ({ item }) => (item.lastUsedAt ? formatRelative(item.lastUsedAt) : __('Never', 'igny8')),
  },
  {
    id: 'expiresAt',
    label: __('Expires', 'igny8'),
    type: 'datetime',
    render: ({ item }) => (item.expiresAt ? formatDateTime(item.expiresAt) : __('Does not expire', 'igny8')),
  },
  {
    id: 'createdAt',
    label: __('Created', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

function CreateApiKey({ onCreated, onClose }: { onCreated: (key: string) => void; onClose: () => void }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TApiKeyScope[]>([]);
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A key never gets more than its maker's role: viewers mint read-only keys, members:write needs an admin.
  const allowed = (scope: string) =>
    scope.endsWith(':read') || (scope === 'members:write' ? can('admin') : can('write'));
  const toggle = (scope: TApiKeyScope, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { name, scopes, ...(days ? { expiresInDays: Number(days) } : {}) };
      const created = await post<TApiKey & { key: string }>('/api-keys', body);
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      onCreated(created.key);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <Modal title={__('Create an API key', 'igny8')} onRequestClose={onClose} size="medium">
      <form className="igny8-form" onSubmit={submit}>
        <FormError error={error} />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Name', 'igny8')}
          help={__('Say where it is used, e.g. “Reporting script”.', 'igny8')}
          value={name}
          onChange={setName}
          required
        />
        <fieldset className="igny8-scopes">
          <legend>{__('What the key may do', 'igny8')}</legend>
          {AREAS.flatMap(({ area }) =>
            (['read', 'write'] as const).map((access) => {
              const scope = `${area}:${access}` as TApiKeyScope;
              return (
                <CheckboxControl
                  key={scope}
                  __nextHasNoMarginBottom
                  label={scopeLabel(scope)}
                  checked={scopes.includes(scope)}
                  disabled={!allowed(scope)}
                  onChange={(on: boolean) => toggle(scope, on)}
                />
              );
            }),
          )}
        </fieldset>
        {!can('write') ? (
          <p className="igny8-muted">{__('As a viewer you can create read-only keys.', 'igny8')}</p>
        ) : null}
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Expires after (days, optional)', 'igny8')}
          help={__('Leave empty for a key that works until you revoke it.', 'igny8')}
          type="number"
          min={1}
          max={3650}
          value={days}
          onChange={setDays}
        />
        <div className="igny8-button-row">
          <Button variant="tertiary" onClick={onClose} __next40pxDefaultSize>
            {__('Cancel', 'igny8')}
          </Button>
          <Button
            variant="primary"
            type="submit"
            isBusy={busy}
            disabled={busy || !name || scopes.length === 0}
            accessibleWhenDisabled
            __next40pxDefaultSize
          >
            {__('Create key', 'igny8')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const { session } = useSession();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => get<TApiKey[]>('/api-keys') });
  const initialView: View = {
    type: 'table',
    perPage: 25,
    page: 1,
    search: '',
    filters: [{ field: 'status', operator: 'isAny', value: ['active'] }],
    sort: { field: 'createdAt', direction: 'desc' },
    titleField: 'name',
    fields: ['prefix', 'scopes', 'status', 'lastUsedAt', 'expiresAt', 'createdAt'],
    layout: {},
  } satisfies View;

  const actions = useMemo<Array<Action<TApiKey>>>(
    () => [
      {
        id: 'revoke',
        label: __('Revoke', 'igny8'),
        isPrimary: true,
        isDestructive: true,
        supportsBulk: true,
        // Members revoke their own keys; admins anyone's (the list does not say who made a key, the server checks).
        isEligible: (item) => keyStatus(item) === 'active',
        modalHeader: __('Revoke the API key?', 'igny8'),
        RenderModal: ({ items, closeModal }) => (
          <ConfirmBody
            confirmLabel={__('Revoke', 'igny8')}
            closeModal={closeModal}
            onConfirm={async () => {
              for (const key of items) await del(`/api-keys/${key.id}`);
              await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
            }}
          >
            {sprintf(
              __('Anything using %s stops working at once. This cannot be undone.', 'igny8'),
              items.map((k) => `“${k.name}”`).join(', '),
            )}
          </ConfirmBody>
        ),
      },
    ],
    [queryClient],
  );

  return (
    <section aria-labelledby="igny8-api-keys-title">
      <div className="igny8-page__header">
        <div>
          <h2 id="igny8-api-keys-title">{__('API keys', 'igny8')}</h2>
          <p className="igny8-page__description">
            {sprintf(
              __('For scripts and other tools calling the IGNY8 API (%s) as this account.', 'igny8'),
              `${window.location.origin}/api/v1`,
            )}
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)} disabled={!session} __next40pxDefaultSize>
          {__('Create API key', 'igny8')}
        </Button>
      </div>
      {secret ? (
        <ShownOnce label={__('Your new API key', 'igny8')} value={secret} onDone={() => setSecret(null)} />
      ) : null}
      {creating ? (
        <CreateApiKey
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setSecret(key);
          }}
        />
      ) : null}
      <ListStates
        query={keys}
        isEmpty={keys.data?.length === 0}
        empty={
          <Empty title={__('No API keys yet', 'igny8')}>
            {__('Create one for each script or tool, with only the scopes it needs.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable rows={keys.data ?? []} fields={apiKeyFields} initialView={initialView} actions={actions} />
      </ListStates>
    </section>
  );
}

/** API keys (scoped, shown once, revocable) and the connection keys of headless setups. */
export default function ApiKeysPage() {
  const { can } = useSession();
  return (
    <Page
      title={__('API and connection keys', 'igny8')}
      description={__(
        'Keys let scripts and WordPress sites act for this account. Treat each like a password.',
        'igny8',
      )}
    >
      <ApiKeys />
      {can('admin') ? (
        <ConnectionKeys />
      ) : (
        <section className="igny8-section" aria-labelledby="igny8-connection-keys-title">
          <h2 id="igny8-connection-keys-title">{__('Connection keys', 'igny8')}</h2>
          <NotPermitted
            message={__('Only owners and admins can create connection keys for WordPress sites.', 'igny8')}
          />
        </section>
      )}
    </Page>
  );
}
