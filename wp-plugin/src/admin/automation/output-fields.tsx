import { __, sprintf } from '@wordpress/i18n';
import { ChoiceField, CheckField, type FieldContext, NumberField, TimeField } from './fields';
import type { DraftEditor } from './draft';

/** How ideas are made and approved, how articles are published and illustrated, and what runs may spend. */
export function OutputFields({
  editor,
  context,
  creditsThisMonth,
}: {
  editor: DraftEditor;
  context: FieldContext;
  creditsThisMonth: number;
}) {
  const { draft } = editor;
  return (
    <>
      <fieldset className="igny8-automation__group">
        <legend>{__('Planning', 'igny8')}</legend>
        <div className="igny8-automation__grid">
          <ChoiceField
            path="clusterMethod"
            context={context}
            value={draft.clusterMethod}
            onChange={(value) => editor.set('clusterMethod', value)}
            options={[
              { value: 'lexical', label: __('By shared words (free)', 'igny8') },
              { value: 'embedding', label: __('By meaning (uses credits)', 'igny8') },
              { value: 'ai', label: __('With AI (uses more credits)', 'igny8') },
            ]}
          />
          <NumberField
            path="ideasPerCluster"
            context={context}
            value={draft.ideasPerCluster}
            min={1}
            max={10}
            onChange={(value) => editor.set('ideasPerCluster', value)}
          />
        </div>
        <CheckField
          path="autoApprove"
          context={context}
          value={draft.autoApprove}
          onChange={(value) => editor.set('autoApprove', value)}
          help={__('Off: only ideas someone approved in the Planner become writing tasks.', 'igny8')}
        />
      </fieldset>
      <fieldset className="igny8-automation__group">
        <legend>{__('Publishing', 'igny8')}</legend>
        <CheckField
          path="autoPublish"
          context={context}
          value={draft.autoPublish}
          onChange={(value) => editor.set('autoPublish', value)}
          help={__('Off: finished articles wait in the review queue below until someone publishes them.', 'igny8')}
        />
        <div className="igny8-automation__grid">
          <ChoiceField
            path="publishStatus"
            context={context}
            value={draft.publishStatus}
            onChange={(value) => editor.set('publishStatus', value)}
            options={[
              { value: 'publish', label: __('Published posts', 'igny8') },
              { value: 'draft', label: __('Drafts', 'igny8') },
            ]}
          />
          <NumberField
            path="cadence.postsPerDay"
            context={context}
            value={draft.cadence.postsPerDay}
            min={1}
            max={24}
            placeholder={__('As soon as ready', 'igny8')}
            help={__('Empty: each post goes live as soon as it is ready.', 'igny8')}
            onChange={(value) => editor.setIn('cadence', 'postsPerDay', value)}
          />
          <TimeField
            path="cadence.time"
            context={context}
            value={draft.cadence.time}
            onChange={(value) => editor.setIn('cadence', 'time', value)}
            help={__('More posts that day are spread evenly after it.', 'igny8')}
          />
        </div>
      </fieldset>
      <fieldset className="igny8-automation__group">
        <legend>{__('Images and credits', 'igny8')}</legend>
        <div className="igny8-automation__grid">
          <NumberField
            path="imageCount"
            context={context}
            value={draft.imageCount}
            min={0}
            max={6}
            help={__('Besides the featured image.', 'igny8')}
            onChange={(value) => editor.set('imageCount', value)}
          />
          <NumberField
            path="runCreditCap"
            context={context}
            value={draft.runCreditCap}
            min={1}
            max={10_000_000}
            placeholder={__('No cap', 'igny8')}
            help={__('Empty: no cap.', 'igny8')}
            onChange={(value) => editor.set('runCreditCap', value)}
          />
          <NumberField
            path="monthlyCreditCap"
            context={context}
            value={draft.monthlyCreditCap}
            min={1}
            max={10_000_000}
            placeholder={__('No cap', 'igny8')}
            help={sprintf(
              /* translators: %s: a number of credits */
              __('Empty: no cap. Used this month: %s.', 'igny8'),
              creditsThisMonth.toLocaleString(),
            )}
            onChange={(value) => editor.set('monthlyCreditCap', value)}
          />
        </div>
      </fieldset>
    </>
  );
}
