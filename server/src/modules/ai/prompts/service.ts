import type { TAiFunction } from '@igny8/shared';
import { AppError } from '../../../errors.ts';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { iso } from '../../../lib/serialize.ts';
import { promptsData } from '../data/prompts.ts';
import { DEFAULT_PROMPTS, PROMPT_SPECS } from './defaults.ts';
import { checkTemplate } from './template.ts';

/** An empty template saved as a version means "use the default again" (reset), keeping the history. */
const RESET = '';

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
