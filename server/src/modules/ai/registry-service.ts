import type { TAiFunction, TAiModel } from '@igny8/shared';
import { type z } from 'zod';
import { type ZAiModelBody, type ZAiModelPatch } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { AiModel, PrismaClient } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { modelChoicesData } from './data/model-choices.ts';
import { modelsData } from './data/models.ts';
import { usdToMicros } from './seed.ts';

const microsToUsd = (micros: number) => micros / 1_000_000;

export function modelView(model: AiModel & { defaultFor: { function: TAiFunction }[] }): TAiModel {
  return {
    id: model.id,
    provider: model.provider,
    modelId: model.modelId,
    kind: model.kind,
    displayName: model.displayName,
    inputPerMTokensUsd: microsToUsd(model.inputMicrosPerMTokens),
    outputPerMTokensUsd: microsToUsd(model.outputMicrosPerMTokens),
    perImageUsd: microsToUsd(model.imageMicros),
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    active: model.active,
    defaultFor: model.defaultFor.map((d) => d.function),
  };
}

export const KIND_FOR: Record<TAiFunction, AiModel['kind']> = {
  auto_cluster: 'text',
  generate_ideas: 'text',
  generate_content: 'text',
  generate_image_prompts: 'text',
  generate_images: 'image',
};

/** The AI model registry: models with prices, and the default model of each AI function. */
export function createModelRegistry({ prisma }: { prisma: PrismaClient }) {
  const data = modelsData(prisma);
  const choices = modelChoicesData(prisma);

  async function find(id: string) {
    const model = await data.find(id);
    if (!model) throw errors.notFound('Model', id);
    return model;
  }

  return {
    async list(options: { includeInactive: boolean }) {
      const models = await data.list(options.includeInactive);
      return models.map(modelView);
    },

    async create(body: z.infer<typeof ZAiModelBody>) {
      try {
        const model = await data.create({
          provider: body.provider,
          modelId: body.modelId,
          kind: body.kind,
          displayName: body.displayName,
          inputMicrosPerMTokens: usdToMicros(body.inputPerMTokensUsd),
          outputMicrosPerMTokens: usdToMicros(body.outputPerMTokensUsd),
          imageMicros: usdToMicros(body.perImageUsd),
          contextWindow: body.contextWindow,
          maxOutputTokens: body.maxOutputTokens,
          active: body.active,
        });
        return modelView(model);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError('CONFLICT', `The registry already has ${body.provider} model ${body.modelId}.`);
        }
        throw error;
      }
    },

    async update(id: string, body: z.infer<typeof ZAiModelPatch>) {
      const current = await find(id);
      if (body.active === false && current.defaultFor.length) {
        throw new AppError(
          'CONFLICT',
          `Model ${current.modelId} is the default for ${current.defaultFor.map((d) => d.function).join(', ')}: choose another default first.`,
        );
      }
      const model = await data.update(id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.inputPerMTokensUsd !== undefined
          ? { inputMicrosPerMTokens: usdToMicros(body.inputPerMTokensUsd) }
          : {}),
        ...(body.outputPerMTokensUsd !== undefined
          ? { outputMicrosPerMTokens: usdToMicros(body.outputPerMTokensUsd) }
          : {}),
        ...(body.perImageUsd !== undefined ? { imageMicros: usdToMicros(body.perImageUsd) } : {}),
        ...(body.contextWindow !== undefined ? { contextWindow: body.contextWindow } : {}),
        ...(body.maxOutputTokens !== undefined ? { maxOutputTokens: body.maxOutputTokens } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
      return modelView(model);
    },

    async setDefault(fn: TAiFunction, modelId: string) {
      const model = await find(modelId);
      if (!model.active) throw new AppError('CONFLICT', `Model ${model.modelId} is inactive: activate it first.`);
      if (model.kind !== KIND_FOR[fn]) {
        throw errors.validation([
          {
            in: 'body',
            field: 'modelId',
            message: `must be a ${KIND_FOR[fn]} model for ${fn} (${model.modelId} is ${model.kind})`,
          },
        ]);
      }
      await data.setDefault(fn, modelId);
      return modelView(await find(modelId));
    },

    /** The operator's default model of an AI function. */
    async defaultFor(fn: TAiFunction): Promise<AiModel> {
      const row = await data.defaultFor(fn);
      if (!row || !row.model.active) {
        throw new AppError('CONFLICT', `No active model is set for ${fn}. An operator must choose one.`);
      }
      return row.model;
    },

    /**
     * The model an AI function runs on for an account: the account's choice while that model is active, else the
     * operator's default.
     */
    async modelFor(accountId: string, fn: TAiFunction): Promise<AiModel> {
      const chosen = await choices.find(accountId, fn);
      if (chosen?.model.active) return chosen.model;
      const row = await data.defaultFor(fn);
      if (!row || !row.model.active) {
        throw new AppError('CONFLICT', `No active model is set for ${fn}. An operator must choose one.`);
      }
      return row.model;
    },
  };
}

export type ModelRegistry = ReturnType<typeof createModelRegistry>;
