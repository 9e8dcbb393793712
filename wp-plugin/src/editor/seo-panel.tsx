import { PanelBody, TextareaControl, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';
import { counter, SEO_LIMITS } from './draft';
import { EDITOR_STORE, META, metaString, type EditorActions, type EditorSelectors } from './editor-store';

/** "42 / 60" under a field, marked when over the limit search engines show. */
function Counter({ text, limit }: { text: string; limit: number }) {
  const { label, over } = counter(text, limit);
  return (
    <span className={over ? 'igny8-sidebar__counter is-over' : 'igny8-sidebar__counter'}>
      {label}
      {over ? ` ${__('(longer than search engines show)', 'igny8')}` : ''}
    </span>
  );
}

/** The post's SEO title and description (IGNY8's post meta), saved with the post. */
export function SeoPanel() {
  const meta = useSelect((select) => (select(EDITOR_STORE) as EditorSelectors).getEditedPostAttribute('meta'), []);
  const { editPost } = useDispatch(EDITOR_STORE) as unknown as EditorActions;
  const seoTitle = metaString(meta, META.seoTitle);
  const seoDescription = metaString(meta, META.seoDescription);

  return (
    <PanelBody title={__('SEO', 'igny8')} initialOpen>
      <TextControl
        label={__('SEO title', 'igny8')}
        value={seoTitle}
        onChange={(value: string) => editPost({ meta: { [META.seoTitle]: value } })}
        help={<Counter text={seoTitle} limit={SEO_LIMITS.title} />}
      />
      <TextareaControl
        label={__('Meta description', 'igny8')}
        value={seoDescription}
        onChange={(value: string) => editPost({ meta: { [META.seoDescription]: value } })}
        help={<Counter text={seoDescription} limit={SEO_LIMITS.description} />}
        rows={4}
      />
    </PanelBody>
  );
}
