import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AI_FUNCTIONS,
  ZAiFunction,
  ZEffectivePrompt,
  ZPromptDiff,
  ZPromptDiffQuery,
  ZPromptVersion,
  ZPromptVersionsQuery,
  ZSavePromptBody,
} from '@igny8/shared';
import { z } from 'zod';
import { errors } from '../../../errors.ts';
import { ok, reply } from '../../../lib/envelope.ts';
import type { PromptService } from './service.ts';

const security = [{ bearer: [] }];

export const promptRoutes: FastifyPluginAsyncZod<{ prompts: PromptService }> = async (app, { prompts }) => {
  app.get('/ai/prompts', {
    config: { auth: {} },
    schema: {
      tags: ['ai'],
      summary: 'The prompt each AI function uses for this account, and where it comes from',
      security,
      response: { 200: reply(z.array(ZEffectivePrompt)) },
    },
    handler: async (request) =>
      ok(await Promise.all(AI_FUNCTIONS.map((fn) => prompts.effective(request.auth.accountId, fn)))),
  });

  app.get('/ai/prompts/versions', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['ai'],
      summary: "A function's saved prompt versions, newest first (every member may read them)",
      security,
      querystring: ZPromptVersionsQuery,
      response: { 200: reply(z.array(ZPromptVersion)) },
    },
    handler: async (request) => {
      if (request.query.scope === 'global' && !request.auth.isOperator) throw errors.operatorRequired();
      return ok(
        await prompts.versions(
          request.query.scope === 'global' ? null : request.auth.accountId,
          request.query.function,
        ),
      );
    },
  });

  app.get('/ai/prompts/diff', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['ai'],
      summary:
        "Line diff of two of the account's prompts for a function: versions by number, the default, the one in use, or the version before",
      security,
      querystring: ZPromptDiffQuery,
      response: { 200: reply(ZPromptDiff) },
    },
    handler: async (request) => {
      const { function: fn, from, to } = request.query;
      return ok(await prompts.diff(request.auth.accountId, fn, from, to));
    },
  });

  app.put('/ai/prompts', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: 'Save a new prompt version (checked now: unknown or missing variables are refused)',
      security,
      body: ZSavePromptBody,
      response: { 200: reply(ZEffectivePrompt) },
    },
    handler: async (request) => {
      const { function: fn, template, global } = request.body;
      if (global) {
        if (!request.auth.isOperator) throw errors.operatorRequired();
        await prompts.saveGlobal(fn, template, request.auth.userId);
      } else {
        await prompts.saveForAccount(request.auth.accountId, fn, template, request.auth.userId);
      }
      return ok(await prompts.effective(request.auth.accountId, fn), 'Prompt saved.');
    },
  });

  app.post('/ai/prompts/reset', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: "Return a function to the default prompt (the account's versions are kept)",
      security,
      body: z.strictObject({ function: ZAiFunction }),
      response: { 200: reply(ZEffectivePrompt) },
    },
    handler: async (request) => {
      await prompts.resetAccount(request.auth.accountId, request.body.function, request.auth.userId);
      return ok(await prompts.effective(request.auth.accountId, request.body.function), 'Back to the default prompt.');
    },
  });
};
