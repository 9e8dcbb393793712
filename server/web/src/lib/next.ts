/** The page to go to after signing in: only a path inside the app (never another site: no open redirect). */
export function safeNext(search: string, fallback = '/sites'): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  return next;
}
