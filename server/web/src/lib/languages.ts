/** Languages offered in pickers (BCP 47 tags the server accepts), named in the user's own language. */
export const LANGUAGE_TAGS = [
  'en',
  'en-GB',
  'de',
  'fr',
  'es',
  'it',
  'pt',
  'pt-BR',
  'nl',
  'sv',
  'da',
  'nb',
  'fi',
  'pl',
  'cs',
  'tr',
  'ru',
  'uk',
  'ja',
  'zh',
  'ko',
  'ar',
  'he',
  'hi',
  'id',
];

const names = (() => {
  try {
    return new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });
  } catch {
    return null;
  }
})();

export function languageName(tag: string): string {
  try {
    return names?.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Options for a SelectControl; `inherit` adds a first option for "the site's language" (value ''). */
export function languageOptions(inherit?: string): Array<{ value: string; label: string }> {
  const options = LANGUAGE_TAGS.map((tag) => ({ value: tag, label: `${languageName(tag)} (${tag})` }));
  return inherit === undefined ? options : [{ value: '', label: inherit }, ...options];
}
