import { Button, Notice, TextareaControl, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { isVersionConflict } from '../../store/writer/errors';
import type { TContent, TEditContentBody } from '@igny8/shared';
import { store as writerStore } from '../../store/writer';

/** The server's limits (shared/src/writer.ts WRITER_LIMITS). */
const LIMITS = { title: 200, seoTitle: 60, metaDescription: 160, excerpt: 400 } as const;

/* translators: 1: characters used, 2: most characters allowed */
const counter = (value: string, max: number) => sprintf(__('%1$d of %2$d characters', 'igny8'), value.length, max);

interface EditFormProps {
  content: TContent;
  announce: (message: string) => void;
}

/**
 * Edits the current version: title, SEO fields, excerpt and each section's HTML. Saving adds a version made on the
 * one shown (baseVersion); when someone saved a newer one first, the server refuses and the form offers a reload.
 */
export function EditForm({ content, announce }: EditFormProps) {
  const version = content.version;
  const [title, setTitle] = useState(version.title);
  const [seoTitle, setSeoTitle] = useState(version.seoTitle);
  const [metaDescription, setMetaDescription] = useState(version.metaDescription);
  const [excerpt, setExcerpt] = useState(version.excerpt);
  const [sections, setSections] = useState(version.sections.map((section) => section.html));

  const { saving, rewriting, error } = useSelect(
    (select) => ({
      saving: select(writerStore).isPending('edit'),
      rewriting: select(writerStore).isPending('section'),
      error: select(writerStore).getError(),
    }),
    [],
  );
  const { editContent, reloadContent, regenerateSection, clearError } = useDispatch(writerStore);

  const body: TEditContentBody = { baseVersion: content.currentVersion };
  if (title.trim() !== version.title) body.title = title;
  if (seoTitle.trim() !== version.seoTitle) body.seoTitle = seoTitle;
  if (metaDescription.trim() !== version.metaDescription) body.metaDescription = metaDescription;
  if (excerpt.trim() !== version.excerpt) body.excerpt = excerpt;
  const changedSections = sections
    .map((html, index) => ({ index, html }))
    .filter(({ html, index }) => html !== version.sections[index]?.html);
  if (changedSections.length > 0) body.sections = changedSections;
  const changed = Object.keys(body).length > 1;
  const tooLong =
    title.length > LIMITS.title ||
    seoTitle.length > LIMITS.seoTitle ||
    metaDescription.length > LIMITS.metaDescription ||
    excerpt.length > LIMITS.excerpt;

  const save = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const saved = await editContent(content.id, body);
    if (saved) {
      /* translators: %d: version number */
      announce(sprintf(__('Saved as version %d.', 'igny8'), saved.currentVersion));
    }
  };

  const rewrite = async (index: number) => {
    announce(__('Rewriting the section…', 'igny8'));
    const rewritten = await regenerateSection(content.taskId, content.id, index);
    if (rewritten) {
      /* translators: %d: version number */
      announce(sprintf(__('The section is rewritten: version %d.', 'igny8'), rewritten.currentVersion));
    }
  };

  return (
    <form className="igny8-writer__edit" onSubmit={save}>
      {isVersionConflict(error) && (
        <Notice
          status="warning"
          isDismissible={false}
          actions={[
            {
              label: __('Reload the newer version', 'igny8'),
              onClick: () => {
                clearError();
                reloadContent(content.taskId);
              },
            },
          ]}
        >
          {__('Someone saved a newer version while you were editing. Reload it and make your changes again.', 'igny8')}{' '}
          {error?.message}
        </Notice>
      )}
      <TextControl label={__('Title', 'igny8')} value={title} onChange={setTitle} help={counter(title, LIMITS.title)} />
      <TextControl
        label={__('SEO title', 'igny8')}
        value={seoTitle}
        onChange={setSeoTitle}
        help={counter(seoTitle, LIMITS.seoTitle)}
        className={seoTitle.length > LIMITS.seoTitle ? 'igny8-writer__too-long' : undefined}
      />
      <TextareaControl
        label={__('Meta description', 'igny8')}
        value={metaDescription}
        onChange={setMetaDescription}
        help={counter(metaDescription, LIMITS.metaDescription)}
        rows={3}
      />
      <TextareaControl
        label={__('Excerpt', 'igny8')}
        value={excerpt}
        onChange={setExcerpt}
        help={counter(excerpt, LIMITS.excerpt)}
        rows={3}
      />
      {version.sections.map((section, index) => (
        <div key={index} className="igny8-writer__section">
          <TextareaControl
            /* translators: 1: section number, 2: section heading */
            label={sprintf(__('Section %1$d: %2$s (HTML)', 'igny8'), index + 1, section.heading)}
            value={sections[index] ?? ''}
            onChange={(html: string) => setSections(sections.map((old, at) => (at === index ? html : old)))}
            rows={8}
          />
          <Button variant="secondary" disabled={rewriting || saving} onClick={() => rewrite(index)}>
            {/* translators: %d: section number */}
            {sprintf(__('Rewrite section %d with AI', 'igny8'), index + 1)}
          </Button>
        </div>
      ))}
      {tooLong && (
        <p className="igny8-writer__warning">{__('A field is longer than allowed: shorten it to save.', 'igny8')}</p>
      )}
      <Button type="submit" variant="primary" disabled={!changed || tooLong || saving} isBusy={saving}>
        {__('Save as a new version', 'igny8')}
      </Button>
    </form>
  );
}
