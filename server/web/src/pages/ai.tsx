import '@wordpress/dataviews/build-style/style.css';
import type { TAccountModelChoice, TAiFunction, TAiModel, TCredentialTestResult, TPromptDiff } from '@igny8/shared';
import {
  Button,
  __experimentalConfirmDialog as ConfirmDialog,
  Notice,
  SelectControl,
  TextareaControl,
  TextControl,
} from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, _n, sprintf } from '@wordpress/i18n';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { del, get, post, put } from '../api/client';
import { ClientTable } from '../components/client-table';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, ErrorState, FormError, Loading, NotPermitted } from '../components/states';
import { formatDateTime, formatNumber } from '../lib/format';

import { useSession } from '../session';

type Provider = 'openai' | 'anthropic' | 'openai_compatible';

interface Credential {
  id: string;
  provider: Provider;
  scope: 'account' | 'global';
  baseUrl: string | null;
  keyLast4: string;
  createdAt: string;
}

interface PromptVersion {
  version: number;
  template: string;
  reset: boolean;
  createdAt: string;
}

interface EffectivePrompt {
  function: TAiFunction;
  template: string;
  source: 'account' | 'global' | 'built-in';
  version: number | null;
}

const PROVIDERS: Array<{ value: Provider; label: string }> = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'openai_compatible', label: __('OpenAI-compatible endpoint (Ollama, OpenRouter, vLLM…)', 'igny8') },
];
const providerLabel = (p: Provider) =>
  p === 'openai_compatible' ? __('OpenAI-compatible', 'igny8') : p === 'openai' ? 'OpenAI' : 'Anthropic';

const FUNCTION_LABELS: Record<TAiFunction, string> = {
  auto_cluster: __('Keyword clustering', 'igny8'),
  generate_ideas: __('Content ideas', 'igny8'),
  generate_content: __('Article writing', 'igny8'),
  generate_image_prompts: __('Image prompts', 'igny8'),
  generate_images: __('Images', 'igny8'),
};

const AI_FUNCTIONS = Object.keys(FUNCTION_LABELS) as TAiFunction[];

/** The account's AI settings: provider keys, the model per AI function, and prompt overrides with versions. */
export default function AiSettings() {
  const { can } = useSession();
  const admin = can('admin');
  return (
    <Page
      title={__('AI settings', 'igny8')}
      description={__(
        'Your own provider keys, the model each AI function runs on, and your versions of its prompt.',
        'igny8',
      )}
    >
      {!admin ? (
        <NotPermitted
          message={__(
            'You can look at these settings; only owners and admins of the account can change them or see provider keys.',
            'igny8',
          )}
        />
      ) : null}
      {admin ? <ProviderKeys /> : null}
      <ModelChoices admin={admin} />
      <PromptOverrides admin={admin} />
    </Page>
  );
}

/* ---------------------------------------------------------------- Provider keys */

const keyFields: Array<Field<Credential>> = [
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

function ProviderKeys() {
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

function AddKeyForm({ onAdded }: { onAdded: () => void }) {
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

/* ---------------------------------------------------------------- Model per function */

function ModelChoices({ admin }: { admin: boolean }) {
  const queryClient = useQueryClient();
  const choices = useQuery({
    queryKey: ['ai-model-choices'],
    queryFn: () => get<TAccountModelChoice[]>('/ai/model-choices'),
  });
  const models = useQuery({ queryKey: ['ai-models'], queryFn: () => get<TAiModel[]>('/ai/models') });
  const [saved, setSaved] = useState<string | null>(null);
  const choose = useMutation({
    mutationFn: (body: { function: TAiFunction; modelId: string | null }) =>
      put<TAccountModelChoice>('/ai/model-choices', body),
    onSuccess: (choice) => {
      setSaved(
        choice.chosenModel
          ? sprintf(
              /* translators: 1: AI function, 2: model name */
              __('%1$s now runs on %2$s.', 'igny8'),
              FUNCTION_LABELS[choice.function],
              choice.chosenModel.displayName,
            )
          : sprintf(
              /* translators: %s: AI function */
              __('%s uses the default model again.', 'igny8'),
              FUNCTION_LABELS[choice.function],
            ),
      );
      void queryClient.invalidateQueries({ queryKey: ['ai-model-choices'] });
    },
  });

  return (
    <section className="igny8-section" aria-labelledby="igny8-models-title">
      <h2 id="igny8-models-title">{__('Model per AI function', 'igny8')}</h2>
      <p className="igny8-muted">
        {__(
          'Leave a function on the default to follow the service’s choice. Estimates name the model a run will use.',
          'igny8',
        )}
      </p>
      {choices.isPending || models.isPending ? (
        <Loading />
      ) : choices.isError || models.isError ? (
        <ErrorState
          error={choices.error ?? models.error}
          retry={() => {
            void choices.refetch();
            void models.refetch();
          }}
        />
      ) : (
        <div className="igny8-model-choices">
          {choices.data.map((choice) => {
            const options = [
              {
                value: '',
                label: sprintf(
                  /* translators: %s: the default model's name */
                  __('Default (%s)', 'igny8'),
                  choice.defaultModel?.displayName ?? __('none set', 'igny8'),
                ),
              },
              ...models.data
                .filter((m) => m.kind === choice.kind)
                .map((m) => ({ value: m.id, label: `${m.displayName} · ${providerLabel(m.provider)}` })),
            ];
            return (
              <SelectControl
                key={choice.function}
                __next40pxDefaultSize
                __nextHasNoMarginBottom
                label={FUNCTION_LABELS[choice.function]}
                value={choice.chosenModel?.id ?? ''}
                options={options}
                disabled={!admin || choose.isPending}
                onChange={(value) => choose.mutate({ function: choice.function, modelId: value || null })}
              />
            );
          })}
        </div>
      )}
      <div aria-live="polite">
        {saved && !choose.isError ? (
          <Notice status="success" onRemove={() => setSaved(null)}>
            {saved}
          </Notice>
        ) : null}
        <FormError error={choose.error} />
      </div>
    </section>
  );
}

/* ---------------------------------------------------------------- Prompt overrides */

const versionFields: Array<Field<PromptVersion>> = [
  {
    id: 'version',
    label: __('Version', 'igny8'),
    type: 'integer',
    enableHiding: false,
    enableGlobalSearch: true,
    getValue: ({ item }) => item.version,
    render: ({ item }) =>
      sprintf(/* translators: %s: version number */ __('Version %s', 'igny8'), String(item.version)),
  },
  {
    id: 'reset',
    label: __('What', 'igny8'),
    getValue: ({ item }) => (item.reset ? 'reset' : 'saved'),
    elements: [
      { value: 'saved', label: __('Saved prompt', 'igny8') },
      { value: 'reset', label: __('Reset to default', 'igny8') },
    ],
    filterBy: { operators: ['isAny'] },
  },
  {
    id: 'createdAt',
    label: __('Saved', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

function PromptOverrides({ admin }: { admin: boolean }) {
  const queryClient = useQueryClient();
  const [fn, setFn] = useState<TAiFunction>('generate_content');
  const [template, setTemplate] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [against, setAgainst] = useState<'default' | 'previous'>('default');
  const [confirmReset, setConfirmReset] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const effective = useQuery({
    queryKey: ['ai-prompts'],
    queryFn: () => get<EffectivePrompt[]>('/ai/prompts'),
  });
  const versions = useQuery({
    queryKey: ['ai-prompt-versions', fn],
    queryFn: () => get<PromptVersion[]>('/ai/prompts/versions', { function: fn }),
  });
  const current = effective.data?.find((p) => p.function === fn);
  const to = selected ?? 'current';
  const diff = useQuery({
    queryKey: ['ai-prompt-diff', fn, against, to],
    queryFn: () => get<TPromptDiff>('/ai/prompts/diff', { function: fn, from: against, to }),
  });

  useEffect(() => {
    if (current) setTemplate(current.template);
  }, [current]);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['ai-prompts'] });
    void queryClient.invalidateQueries({ queryKey: ['ai-prompt-versions', fn] });
    void queryClient.invalidateQueries({ queryKey: ['ai-prompt-diff', fn] });
  };
  const save = useMutation({
    mutationFn: () => put<EffectivePrompt>('/ai/prompts', { function: fn, template }),
    onSuccess: (prompt) => {
      setSelected(prompt.version);
      setSaved(
        sprintf(
          /* translators: %s: version number */ __('Saved as version %s.', 'igny8'),
          String(prompt.version ?? ''),
        ),
      );
      refresh();
    },
  });
  const reset = useMutation({
    mutationFn: () => post<EffectivePrompt>('/ai/prompts/reset', { function: fn }),
    onSuccess: () => {
      setSelected(null);
      setSaved(__('Back to the default prompt. The reset is kept in the version list.', 'igny8'));
      refresh();
    },
  });

  const versionActions: Array<Action<PromptVersion>> = [
    {
      id: 'compare',
      label: __('Compare', 'igny8'),
      isPrimary: true,
      callback: ([item]) => item && setSelected(item.version),
    },
    ...(admin
      ? [
          {
            id: 'edit',
            label: __('Edit from this version', 'igny8'),
            isEligible: (item: PromptVersion) => !item.reset,
            callback: ([item]: PromptVersion[]) => item && setTemplate(item.template),
          },
        ]
      : []),
  ];
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'version', direction: 'desc' },
    titleField: 'version',
    fields: ['reset', 'createdAt'],
    layout: {},
  } satisfies View;

  const source =
    current?.source === 'account'
      ? sprintf(
          /* translators: %s: version number */ __('Your version %s is in use.', 'igny8'),
          String(current.version ?? ''),
        )
      : current?.source === 'global'
        ? __('The service’s default prompt is in use (set by the operator).', 'igny8')
        : __('The built-in default prompt is in use.', 'igny8');

  return (
    <section className="igny8-section" aria-labelledby="igny8-prompts-title">
      <h2 id="igny8-prompts-title">{__('Prompts', 'igny8')}</h2>
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('AI function', 'igny8')}
        value={fn}
        options={AI_FUNCTIONS.map((value) => ({ value, label: FUNCTION_LABELS[value] }))}
        onChange={(value) => {
          setFn(value as TAiFunction);
          setSelected(null);
          setSaved(null);
          save.reset();
        }}
      />
      {effective.isPending ? (
        <Loading />
      ) : effective.isError ? (
        <ErrorState error={effective.error} retry={() => void effective.refetch()} />
      ) : (
        <>
          <p className="igny8-muted">
            {source}{' '}
            {__('Keep the {{placeholders}}: runs fill them in; a save that drops a required one is refused.', 'igny8')}
          </p>
          <form
            className="igny8-form"
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate();
            }}
          >
            <TextareaControl
              __nextHasNoMarginBottom
              label={sprintf(/* translators: %s: AI function */ __('Prompt for %s', 'igny8'), FUNCTION_LABELS[fn])}
              value={template}
              onChange={setTemplate}
              rows={10}
              readOnly={!admin}
              className="igny8-prompt"
            />
            {admin ? (
              <div className="igny8-form__actions">
                <Button variant="primary" type="submit" isBusy={save.isPending} disabled={save.isPending}>
                  {__('Save as new version', 'igny8')}
                </Button>
                <Button
                  variant="secondary"
                  isDestructive
                  onClick={() => setConfirmReset(true)}
                  disabled={reset.isPending || current?.source !== 'account'}
                >
                  {__('Reset to default', 'igny8')}
                </Button>
              </div>
            ) : null}
            <div aria-live="polite">
              {saved ? (
                <Notice status="success" onRemove={() => setSaved(null)}>
                  {saved}
                </Notice>
              ) : null}
              <FormError error={save.error ?? reset.error} />
            </div>
          </form>
        </>
      )}

      <h3>{__('Versions', 'igny8')}</h3>
      <ListStates
        query={versions}
        isEmpty={versions.data?.length === 0}
        empty={
          <Empty title={__('No versions yet', 'igny8')}>
            {admin
              ? __('Edit the prompt above and save it: each save is kept as a version.', 'igny8')
              : __('An owner or admin can save your account’s own version of this prompt.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={versions.data ?? []}
          fields={versionFields}
          initialView={initialView}
          actions={versionActions}
          getItemId={(item) => String(item.version)}
        />
      </ListStates>

      <h3 id="igny8-diff-title">{__('Changes', 'igny8')}</h3>
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Compare with', 'igny8')}
        value={against}
        options={[
          { value: 'default', label: __('The default prompt', 'igny8') },
          { value: 'previous', label: __('The previous version', 'igny8') },
        ]}
        onChange={(value) => setAgainst(value as 'default' | 'previous')}
      />
      {diff.isPending ? <Loading /> : diff.isError ? <ErrorState error={diff.error} /> : <DiffView diff={diff.data} />}

      <ConfirmDialog
        isOpen={confirmReset}
        confirmButtonText={__('Reset to default', 'igny8')}
        onConfirm={() => {
          setConfirmReset(false);
          reset.mutate();
        }}
        onCancel={() => setConfirmReset(false)}
      >
        {sprintf(
          /* translators: %s: AI function */
          __(
            'Go back to the default prompt for %s? Your versions are kept; the reset is recorded as a new version.',
            'igny8',
          ),
          FUNCTION_LABELS[fn],
        )}
      </ConfirmDialog>
    </section>
  );
}

/** A line diff: each changed line marked with a sign and words for screen readers, not by colour alone. */
function DiffView({ diff }: { diff: TPromptDiff }) {
  const summary = sprintf(
    /* translators: 1: old side, 2: new side, 3: lines added, 4: lines removed */
    __('From %1$s to %2$s: %3$s, %4$s.', 'igny8'),
    diff.from.label,
    diff.to.label,
    sprintf(_n('%s line added', '%s lines added', diff.added, 'igny8'), formatNumber(diff.added)),
    sprintf(_n('%s line removed', '%s lines removed', diff.removed, 'igny8'), formatNumber(diff.removed)),
  );
  return (
    <figure className="igny8-diff" aria-labelledby="igny8-diff-summary">
      <figcaption id="igny8-diff-summary">{summary}</figcaption>
      {diff.added === 0 && diff.removed === 0 ? (
        <p className="igny8-muted">{__('The two prompts are the same.', 'igny8')}</p>
      ) : (
        <ol className="igny8-diff__lines">
          {diff.parts.map((part, index) =>
            part.kind === 'added' ? (
              <li key={index} className="igny8-diff__line igny8-diff__line--added">
                <ins>
                  <span aria-hidden="true">+ </span>
                  <span className="screen-reader-text">{__('Added:', 'igny8')} </span>
                  {part.text}
                </ins>
              </li>
            ) : part.kind === 'removed' ? (
              <li key={index} className="igny8-diff__line igny8-diff__line--removed">
                <del>
                  <span aria-hidden="true">− </span>
                  <span className="screen-reader-text">{__('Removed:', 'igny8')} </span>
                  {part.text}
                </del>
              </li>
            ) : (
              <li key={index} className="igny8-diff__line">
                <span aria-hidden="true">{'  '}</span>
                {part.text}
              </li>
            ),
          )}
        </ol>
      )}
    </figure>
  );
}
