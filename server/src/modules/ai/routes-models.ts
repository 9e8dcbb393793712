import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZAccountModelChoice,
  ZAiFunctionParams,
  ZAiModel,
  ZAiModelBody,
  ZAiModelParams,
  ZAiModelPatch,
  ZCreateCredentialBody,
  ZCredentialParams,
  ZCredentialTestResult,
  ZProviderCredential,
  ZSetAccountModelBody,
  ZSetDefaultModelBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { CredentialsService } from './credentials-service.ts';
import type { ModelChoicesService } from './model-choices-service.ts';
import type { ModelRegistry } from './registry-service.ts';

const security = [{ bearer: [] }];

export const aiRoutes: FastifyPluginAsyncZod<{
  registry: ModelRegistry;
  credentials: CredentialsService;
  modelChoices: ModelChoicesService;
}> = async (app, { registry, credentials, modelChoices }) => {
  app.get('/ai/models', {
    config: { auth: {} },
    schema: {
      tags: ['ai'],
      summary: 'AI models with their prices and the functions they are the default for',
      security,
      querystring: z.object({ includeInactive: z.enum(['true', 'false']).default('false') }),
      response: { 200: reply(z.array(ZAiModel)) },
    },
    handler: async (request) => ok(await registry.list({ includeInactive: request.query.includeInactive === 'true' })),
  });

  app.post('/ai/models', {
    config: { auth: { operator: true } },
    schema: {
      tags: ['ai'],
      summary: 'Add a model (operators)',
      security,
      body: ZAiModelBody,
      response: { 201: reply(ZAiModel) },
    },
    handler: async (request, res) => res.status(201).send(ok(await registry.create(request.body))),
  });

  app.patch('/ai/models/:modelId', {
    config: { auth: { operator: true } },
    schema: {
      tags: ['ai'],
      summary: "Change a model's prices, limits or availability (operators)",
      security,
      params: ZAiModelParams,
      body: ZAiModelPatch,
      response: { 200: reply(ZAiModel) },
    },
    handler: async (request) => ok(await registry.update(request.params.modelId, request.body)),
  });

  app.put('/ai/defaults/:function', {
    config: { auth: { operator: true } },
    schema: {
      tags: ['ai'],
      summary: 'Choose the default model of an AI function (operators)',
      security,
      params: ZAiFunctionParams,
      body: ZSetDefaultModelBody,
      response: { 200: reply(ZAiModel) },
    },
    handler: async (request) => ok(await registry.setDefault(request.params.function, request.body.modelId)),
  });

  app.get('/ai/credentials', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: "The account's provider keys (operators also see global ones); never the keys themselves",
      security,
      response: { 200: reply(z.array(ZProviderCredential)) },
    },
    handler: async (request) => ok(await credentials.list(request.auth)),
  });

  app.post('/ai/credentials', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: 'Add a provider key (stored encrypted; only its last 4 characters are shown again)',
      security,
      body: ZCreateCredentialBody,
      response: { 201: reply(ZProviderCredential) },
    },
    handler: async (request, res) => res.status(201).send(ok(await credentials.create(request.auth, request.body))),
  });

  app.delete('/ai/credentials/:credentialId', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: 'Delete a provider key',
      security,
      params: ZCredentialParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await credentials.remove(request.auth, request.params.credentialId);
      return ok(null, 'Provider key deleted.');
    },
  });

  app.post('/ai/credentials/:credentialId/test', {
    // Each test is a paid provider call to an address the admin chose: a few a minute are plenty.
    config: { auth: { role: 'admin', scope: null }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags: ['ai'],
      summary:
        'Test a provider key with a one-token call to its provider (or base URL); a failed test is an answer with ok false and what to do',
      security,
      params: ZCredentialParams,
      response: { 200: reply(ZCredentialTestResult) },
    },
    handler: async (request) => {
      const result = await credentials.test(request.auth, request.params.credentialId);
      return ok(result, result.message);
    },
  });

  app.get('/ai/model-choices', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['ai'],
      summary: "The model each AI function runs on for this account: the account's choice, else the operator's default",
      security,
      response: { 200: reply(z.array(ZAccountModelChoice)) },
    },
    handler: async (request) => ok(await modelChoices.list(request.auth)),
  });

  app.put('/ai/model-choices', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['ai'],
      summary: "Choose this account's model for an AI function (modelId null: back to the operator's default)",
      security,

      body: ZSetAccountModelBody,
      response: { 200: reply(ZAccountModelChoice) },
    },
    handler: async (request) => {
      const choice = await modelChoices.set(request.auth, request.body.function, request.body.modelId);
      return ok(
        choice,
        choice.chosenModel
          ? `${choice.function} now runs on ${choice.chosenModel.displayName}.`
          : `${choice.function} uses the default model again.`,
      );
    },
  });
};
