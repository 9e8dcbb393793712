import type { TAiFunction, TPromptDiff } from '@igny8/shared';
import {
  Button,
  __experimentalConfirmDialog as ConfirmDialog,
  Notice,
  SelectControl,
  TextareaControl,
} from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, _n, sprintf } from '@wordpress/i18n';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { get, post, put } from '../../api/client';
import { ClientTable } from '../../components/client-table';
import { ListStates } from '../../components/list-states';
import { Empty, ErrorState, FormError, Loading } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { type PromptVersion, type EffectivePrompt, FUNCTION_LABELS, AI_FUNCTIONS } from './common';

/* ---------------------------------------------------------------- Prompt overrides */

export const versionFields: Array<Field<PromptVersion>> = [
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

export function PromptOverrides({ admin }: { admin: boolean }) {
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
export function DiffView({ diff }: { diff: TPromptDiff }) {
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
