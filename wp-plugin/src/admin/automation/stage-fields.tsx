import { __ } from '@wordpress/i18n';
import type { SettingsDraft } from '../../store/automation';
import { ChoiceField, CheckboxRow, type FieldContext, NumberField } from './fields';
import type { DraftEditor } from './draft';

type StageSwitch = keyof SettingsDraft['stages'];
type BatchSize = keyof SettingsDraft['batchSizes'];

const STAGE_SWITCHES = (): { key: StageSwitch; label: string }[] => [
  { key: 'cluster', label: __('Cluster new keywords', 'igny8') },
  { key: 'ideas', label: __('Suggest ideas for clusters', 'igny8') },
  { key: 'tasks', label: __('Turn ideas into writing tasks', 'igny8') },
  { key: 'articles', label: __('Write articles', 'igny8') },
  { key: 'images', label: __('Describe and make images', 'igny8') },
  { key: 'publish', label: __('Publish articles (or queue them for review)', 'igny8') },
];

const BATCH_MAX: Record<BatchSize, number> = {
  cluster: 5000,
  ideas: 200,
  tasks: 200,
  articles: 200,
  images: 200,
  publish: 200,
};

/** Which stages run, how much each takes per run, and where a run stops for review by hand. */
export function StageFields({ editor, context }: { editor: DraftEditor; context: FieldContext }) {
  const { draft } = editor;
  return (
    <>
      <fieldset className="igny8-automation__group">
        <legend>{__('Stages', 'igny8')}</legend>
        <p className="description">
          {__('A stage that is off is skipped; the next stages take what waits for them.', 'igny8')}
        </p>
        {STAGE_SWITCHES().map(({ key, label }) => (
          <CheckboxRow
            key={key}
            label={label}
            checked={draft.stages[key]}
            disabled={context.disabled}
            onChange={(checked) => editor.setIn('stages', key, checked)}
          />
        ))}
        <ChoiceField
          path="stopAfter"
          context={context}
          value={draft.stopAfter ?? ''}
          onChange={(value) => editor.set('stopAfter', value === '' ? null : value)}
          help={__('Stop a run after this stage to review its work by hand; the next run goes on from there.', 'igny8')}
          options={[
            { value: '', label: __('Run every stage', 'igny8') },
            { value: 'cluster', label: __('Clustering', 'igny8') },
            { value: 'ideas', label: __('Ideas', 'igny8') },
            { value: 'tasks', label: __('Tasks', 'igny8') },
            { value: 'articles', label: __('Articles', 'igny8') },
            { value: 'images', label: __('Images', 'igny8') },
          ]}
        />
      </fieldset>
      <fieldset className="igny8-automation__group">
        <legend>{__('Batch sizes', 'igny8')}</legend>
        <p className="description">
          {__('The most each stage takes in one run. Smaller batches spend fewer credits per run.', 'igny8')}
        </p>
        <div className="igny8-automation__grid">
          {(Object.keys(BATCH_MAX) as BatchSize[]).map((key) => (
            <NumberField
              key={key}
              path={`batchSizes.${key}`}
              context={context}
              value={draft.batchSizes[key]}
              min={1}
              max={BATCH_MAX[key]}
              onChange={(value) => editor.setIn('batchSizes', key, value)}
            />
          ))}
        </div>
      </fieldset>
    </>
  );
}
