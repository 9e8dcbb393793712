import type { TAccountModelChoice, TAiFunction, TAiModel } from '@igny8/shared';
import { Notice, SelectControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, put } from '../../api/client';
import { ErrorState, FormError, Loading } from '../../components/states';
import { providerLabel, FUNCTION_LABELS } from './common';

/* ---------------------------------------------------------------- Model per function */

export function ModelChoices({ admin }: { admin: boolean }) {
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
