/**
 * Dates as this WordPress site writes them: its own date and time formats (Settings > General), through
 * @wordpress/date (the `wp-date` script, which WordPress sets up with the site's formats and time zone).
 */
import { dateI18n, getSettings } from '@wordpress/date';

/** An ISO date in the site's date and time format, in the site's time zone (or `timezone`, an IANA name). */
export const dateTimeText = (iso: string | null, timezone?: string): string => {
  if (!iso) {
    return '—';
  }
  const { formats } = getSettings();
  return dateI18n(formats.datetime || 'F j, Y g:i a', iso, timezone);
};
