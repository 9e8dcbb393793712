import { Button, Notice } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState } from 'react';

/** A key shown once: the value, a copy button, and the warning that it is not shown again. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Without clipboard access the key stays selectable in the field.
      setCopied(false);
    }
  }
  return (
    <Notice status="warning" isDismissible={false} className="igny8-secret">
      <p>
        <strong>{__('Copy this key now: it is not shown again.', 'igny8')}</strong>{' '}
        {__('We keep only a fingerprint of it. If you lose it, revoke it and create another.', 'igny8')}
      </p>
      <label className="igny8-secret__label">
        <span>{label}</span>
        <input className="igny8-secret__value" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="igny8-button-row">
        <Button variant="primary" onClick={() => void copy()} __next40pxDefaultSize>
          {copied ? __('Copied', 'igny8') : __('Copy', 'igny8')}
        </Button>
        <Button variant="tertiary" onClick={onDone} __next40pxDefaultSize>
          {__('I have copied it', 'igny8')}
        </Button>
      </div>
      <span className="igny8-visually-hidden" role="status" aria-live="polite">
        {copied ? __('Copied to the clipboard.', 'igny8') : ''}
      </span>
    </Notice>
  );
}
