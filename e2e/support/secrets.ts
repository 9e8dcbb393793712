import { readFileSync, writeFileSync } from 'node:fs';
import { SECRETS_FILE } from './stack.ts';

/** Remembers a secret the run created or used, so the log check can look for it. */
export function rememberSecret(label: string, value: string | undefined | null): void {
  if (!value || value.length < 8) return;
  const list = JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) as { label: string; value: string }[];
  list.push({ label, value });
  writeFileSync(SECRETS_FILE, JSON.stringify(list, null, 2));
}

export function rememberedSecrets(): { label: string; value: string }[] {
  return JSON.parse(readFileSync(SECRETS_FILE, 'utf8'));
}
