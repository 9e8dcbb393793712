import { __, sprintf } from '@wordpress/i18n';
import type { TContent } from '@igny8/shared';

/**
 * The current version as readers will see it: SEO fields as a search result, and the body (the server's sanitized
 * block markup) in a sandboxed frame: no scripts run in it, and it cannot reach this page.
 */
export function Preview({ content }: { content: TContent }) {
  const version = content.version;
  const document = `<!doctype html><html><head><meta charset="utf-8"><style>body{font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;max-width:720px;margin:16px auto;padding:0 16px;color:#1e1e1e}img{max-width:100%;height:auto}</style></head><body><h1>${escapeHtml(version.title)}</h1>${version.body}</body></html>`;
  return (
    <div className="igny8-writer__preview">
      <div className="igny8-writer__serp" aria-label={__('How a search result shows it', 'igny8')} role="group">
        <p className="igny8-writer__serp-title">{version.seoTitle}</p>
        <p className="igny8-writer__serp-slug">/{version.slug}</p>
        <p className="igny8-writer__serp-description">{version.metaDescription}</p>
      </div>
      <iframe
        className="igny8-writer__frame"
        /* translators: %s: article title */
        title={sprintf(__('Preview of "%s"', 'igny8'), version.title)}
        sandbox=""
        srcDoc={document}
      />
    </div>
  );
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
