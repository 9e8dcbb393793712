import type { TAiFunction, TPromptDiff } from '@igny8/shared';
import { diffLines } from 'diff';
import { AppError, errors } from '../../../errors.ts';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { iso } from '../../../lib/serialize.ts';
import { promptsData } from '../data/prompts.ts';
import { DEFAULT_PROMPTS, PROMPT_SPECS } from './defaults.ts';
import { checkTemplate } from './template.ts';

/** An empty template saved as a version means "use the default again" (reset), keeping the history. */
const RESET = '';

export type PromptRef = 'default' | 'previous' | 'current' | number;
type Side = TPromptDiff['from'];

/**
 * A line diff of two prompts with jsdiff (the `diff` package, already the Writer's word diff): a prompt is edited
 * line by line, so whole lines added and removed read best; computed here, the web app does not ship a diff
 * library and API callers get the same answer.
 */
export function diffPrompts(from: string, to: string) {
  const parts: TPromptDiff['parts'] = [];
  // Both end with a newline, so a last line that gains a successor is not shown as changed.
  const lines = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  for (const change of diffLines(lines(from), lines(to))) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    for (const text of change.value.replace(/\n$/, '').split('\n')) parts.push({ kind, text });
  }
  return {
    parts,
    added: parts.filter((p) => p.kind === 'added').length,
    removed: parts.filter((p) => p.kind === 'removed').length,
  };
}

export interface EffectivePrompt {
  function: TAiFunction;
  template: string;
  source: 'account' | 'global' | 'built-in';
  version: number | null;
}

/**
 * Prompts per AI function: the built-in default, global versions saved by operators, and account overrides. Every
 * save adds a version; the newest version applies; a reset adds a version that returns to the default.
 */
export function createPromptService({ prisma }: { prisma: PrismaClient }) {
  const data = promptsData(prisma);
  const newest = (accountId: string | null, fn: TAiFunction) => data.newest(accountId, fn);

  async function save(accountId: string | null, fn: TAiFunction, template: string, userId: string) {
    if (template !== RESET) {
      const problems = checkTemplate(template, PROMPT_SPECS[fn]);
      if (problems.length) {
        throw new AppError(
          'VALIDATION_FAILED',
          `The prompt for ${fn} cannot be saved: ${problems.map((p) => p.message).join('; ')}.`,
          { fields: problems.map((p) => ({ in: 'body', field: 'template', message: p.message })) },
        );
      }
    }
    // Versions are numbered per (account, function); a serializable retry is not needed: the unique index refuses
    // a duplicate number and the caller can save again.
    const last = await newest(accountId, fn);
    await data.create({ accountId, function: fn, version: (last?.version ?? 0) + 1, template, createdById: userId });
  }

  return {
    async effective(accountId: string, fn: TAiFunction): Promise<EffectivePrompt> {
      const own = await newest(accountId, fn);
      if (own && own.template !== RESET)
        return { function: fn, template: own.template, source: 'account', version: own.version };
      const global = await newest(null, fn);
      if (global && global.template !== RESET) {
        return { function: fn, template: global.template, source: 'global', version: global.version };
      }
      return { function: fn, template: DEFAULT_PROMPTS[fn], source: 'built-in', version: null };
    },

    /**
     * Compares two of an account's prompts for a function: versions by number, 'default' (what applies without the
     * account's override), 'current' (what runs use) or, as `from`, 'previous' (the version before `to`). A reset
     * version reads as the default it returned to.
     */
    async diff(accountId: string, fn: TAiFunction, from: PromptRef, to: PromptRef): Promise<TPromptDiff> {
      const global = await newest(null, fn);
      const base: Side = {
        version: null,
        label: global && global.template !== RESET ? `Default (service version ${global.version})` : 'Default',
        template: global && global.template !== RESET ? global.template : DEFAULT_PROMPTS[fn],
      };
      const ofRow = (row: { version: number; template: string }): Side =>
        row.template === RESET
          ? { version: row.version, label: `Version ${row.version} (reset to default)`, template: base.template }
          : { version: row.version, label: `Version ${row.version}`, template: row.template };
      const byNumber = async (version: number) => {
        const row = await data.find(accountId, fn, version);
        if (!row) throw errors.notFound(`Version ${version} of the ${fn} prompt`);
        return ofRow(row);
      };
      const current = async (): Promise<Side> => {
        const own = await newest(accountId, fn);
        return own && own.template !== RESET ? ofRow(own) : { ...base, label: `${base.label}, in use` };
      };
      const resolve = async (ref: PromptRef, other?: Side): Promise<Side> => {
        if (typeof ref === 'number') return byNumber(ref);
        if (ref === 'default') return base;
        if (ref === 'current') return current();
        // previous: the version before the other side (the default before the first version).
        if (!other || other.version === null) return base;
        const row = await data.before(accountId, fn, other.version);
        return row ? ofRow(row) : base;
      };
      if (to === 'previous') {
        throw errors.validation([{ in: 'query', field: 'to', message: 'cannot be "previous" (only from can)' }]);
      }
      const toSide = await resolve(to);
      const fromSide = await resolve(from, toSide);
      return { function: fn, from: fromSide, to: toSide, ...diffPrompts(fromSide.template, toSide.template) };
    },

    async versions(accountId: string | null, fn: TAiFunction) {
      const rows = await data.versions(accountId, fn);
      return rows.map((r) => ({
        version: r.version,
        template: r.template,
        reset: r.template === RESET,
        createdAt: iso(r.createdAt),
      }));
    },

    saveForAccount: (accountId: string, fn: TAiFunction, template: string, userId: string) =>
      save(accountId, fn, template, userId),
    saveGlobal: (fn: TAiFunction, template: string, userId: string) => save(null, fn, template, userId),
    resetAccount: (accountId: string, fn: TAiFunction, userId: string) => save(accountId, fn, RESET, userId),
  };
}

export type PromptService = ReturnType<typeof createPromptService>;
