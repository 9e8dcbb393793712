import { Notice } from '@wordpress/components';
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

interface ErrorNoticeProps {
  message: string;
  onDismiss: () => void;
  /** Offers "Try again" (for a failed load). */
  onRetry?: (() => void) | undefined;
}

/** An error in the product's words; it takes focus when it appears so keyboard and screen-reader users meet it. */
export function ErrorNotice({ message, onDismiss, onRetry }: ErrorNoticeProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [message]);
  return (
    <div ref={ref} tabIndex={-1} className="igny8-error">
      <Notice
        status="error"
        isDismissible
        onRemove={onDismiss}
        actions={onRetry ? [{ label: __('Try again', 'igny8'), onClick: onRetry }] : undefined}
      >
        {message}
      </Notice>
    </div>
  );
}
