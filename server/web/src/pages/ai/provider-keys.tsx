import type { TCredentialTestResult } from '@igny8/shared';
import {
  Button,
  __experimentalConfirmDialog as ConfirmDialog,
  Notice,
  SelectControl,
  TextControl,
} from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { del, get, post } from '../../api/client';
import { ClientTable } from '../../components/client-table';
import { ListStates } from '../../components/list-states';
import { Empty, FormError, Loading } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { type Provider, type Credential, PROVIDERS, providerLabel } from './common';

/* ---------------------------------------------------------------- Provider keys */

export const keyFields: Array<Field<Credential>> = [
  {
    id: 'provider',
    label: __('Provider', 'igny8'),
    enableHiding: false,
    enableGlobalSearch: true,
    getValue: ({ item }) => providerLabel(item.provider),
    elements: PROVIDERS.map((p) => ({ value: providerLabel(p.value), label: providerLabel(p.value) })),
    filterBy: { operators: ['isAny'] },
  },
  {
    id: 'keyLast4',
    label: __('Key', 'igny8'),
    enableSorting: false,
    render: ({ item }) => (
      <span>
        <span aria-hidden="true">••••</span>
        <span className="screen-reader-text">{__('ending in', 'igny8')} </span>
        {item.keyLast4}
      </span>
    ),
  },
  {
    id: 'baseUrl',
    label: __('Base URL', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => item.baseUrl ?? __('The provider’s own API', 'igny8'),
  },
  {
    id: 'scope',
    label: __('For', 'igny8'),
    elements: [
      { value: 'account', label: __('This account', 'igny8') },
      { value: 'global', label: __('Every account (operator)', 'igny8') },
    ],
    filterBy: { operators: ['isAny'] },
  },
  {
    id: 'createdAt',
    label: __('Added', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

export function ProviderKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['ai-credentials'], queryFn: () => get<Credential[]>('/ai/credentials') });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'createdAt', direction: 'desc' },
    titleField: 'provider',
    fields: ['keyLast4', 'baseUrl', 'scope', 'createdAt'],
    layout: {},
  } satisfies View;
  const [result, setResult] = useState<TCredentialTestResult | null>(null);
  const [removing, setRemoving] = useState<Credential | null>(null);

  const test = useMutation({
    mutationFn: (id: string) => post<TCredentialTestResult>(`/ai/credentials/${id}/test`),
    onSuccess: setResult,
  });
  const remove = useMutation({
    mutationFn: (id: string) => del<null>(`/ai/credentials/${id}`),
    onSuccess: () => {
      setResult(null);
      void queryClient.invalidateQueries({ queryKey: ['ai-credentials'] });
    },
  });

  const actions: Array<Action<Credential>> = [
    {
      id: 'test',
      label: __('Test', 'igny8'),
      isPrimary: true,
      callback: ([item]) => item && test.mutate(item.id),
    },
    {
      id: 'remove',
      label: __('Remove', 'igny8'),
      isDestructive: true,
      callback: ([item]) => item && setRemoving(item),
    } as Action<Credential>,
  ];

  return (
    <section className="igny8-section" aria-labelledby="igny8-keys-title">
      <h2 id="igny8-keys-title">{__('Provider keys', 'igny8')}</h2>
      <p className="igny8-muted">
        {__(
          'Runs use your own key for a provider when you add one, else the service’s. Keys are stored encrypted; only their last 4 characters are shown.',
          'igny8',
        )}
      </p>
      <AddKeyForm onAdded={() => void queryClient.invalidateQueries({ queryKey: ['ai-credentials'] })} />
      <div aria-live="polite">
        {test.isPending ? <Loading label={__('Testing the key…', 'igny8')} /> : null}
        {result ? (
          <Notice status={result.ok ? 'success' : 'error'} onRemove={() => setResult(null)}>
            <strong>{result.ok ? __('Test passed.', 'igny8') : __('Test failed.', 'igny8')}</strong> {result.message}{' '}
            <span className="igny8-muted">
              {sprintf(
                /* translators: 1: model id, 2: milliseconds */
                __('(%1$s, %2$s ms)', 'igny8'),
                result.model,
                formatNumber(result.latencyMs),
              )}
            </span>
          </Notice>
        ) : null}
        <FormError error={test.error ?? remove.error} />
      </div>
      <ListStates
        query={keys}
        isEmpty={keys.data?.length === 0}
        empty={
          <Empty title={__('No provider keys yet', 'igny8')}>
            {__('Runs use the service’s keys. Add your own key above to run on your provider account.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable rows={keys.data ?? []} fields={keyFields} initialView={initialView} actions={actions} />
      </ListStates>
      <ConfirmDialog
        isOpen={removing !== null}
        confirmButtonText={__('Remove key', 'igny8')}
        onConfirm={() => {
          if (removing) remove.mutate(removing.id);
          setRemoving(null);
        }}
        onCancel={() => setRemoving(null)}
      >
        {removing
          ? sprintf(
              /* translators: 1: provider, 2: last 4 characters of the key */
              __('Remove the %1$s key ending in %2$s? Runs will use the service’s key for this provider.', 'igny8'),
              providerLabel(removing.provider),
              removing.keyLast4,
            )
          : null}
      </ConfirmDialog>
    </section>
  );
}

export function AddKeyForm({ onAdded }: { onAdded: () => void }) {
  const [provider, setProvider] = useState<Provider>('openai');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const add = useMutation({
    mutationFn: () =>
      post<Credential>('/ai/credentials', {
        provider,
        apiKey,
        ...(provider === 'openai_compatible' ? { baseUrl } : {}),
      }),
    onSuccess: () => {
      setApiKey('');
      setBaseUrl('');
      onAdded();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form className="igny8-form igny8-form--inline" onSubmit={submit} aria-label={__('Add a provider key', 'igny8')}>
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Provider', 'igny8')}
        value={provider}
        options={PROVIDERS}
        onChange={(value) => setProvider(value as Provider)}
      />
      <TextControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('API key', 'igny8')}
        type="password"
        autoComplete="off"
        value={apiKey}
        onChange={setApiKey}
        required
      />
      {provider === 'openai_compatible' ? (
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Base URL', 'igny8')}
          help={__('The endpoint’s OpenAI-style API address, e.g. https://openrouter.ai/api/v1', 'igny8')}
          type="url"
          value={baseUrl}
          onChange={setBaseUrl}
          required
        />
      ) : null}
      <Button variant="primary" type="submit" isBusy={add.isPending} disabled={add.isPending} __next40pxDefaultSize>
        {__('Add key', 'igny8')}
      </Button>
      <FormError error={add.error} />
    </form>
  );
}
