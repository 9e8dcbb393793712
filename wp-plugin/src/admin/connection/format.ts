/** Formats for the admin's language (`<html lang>` is the user's WordPress locale), falling back to the browser's. */
const adminLocale = (): string | undefined => document.documentElement.lang || undefined;

const withLocale = <T>(make: (locale: string | undefined) => T): T => {
  try {
    return make(adminLocale());
  } catch {
    // An unusual `lang` value Intl does not accept.
    return make(undefined);
  }
};

export const formatDateTime = (iso: string): string => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return withLocale((locale) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date),
  );
};

export const formatNumber = (value: number): string =>
  withLocale((locale) => new Intl.NumberFormat(locale).format(value));
