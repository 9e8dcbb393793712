import { AI_FUNCTIONS, type TAccountModelChoice, type TAiFunction, type TAiModelRef } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { AiModel, PrismaClient } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { modelChoicesData } from './data/model-choices.ts';
import { modelsData } from './data/models.ts';
import { KIND_FOR } from './registry-service.ts';

const ref = (m: AiModel | null | undefined): TAiModelRef | null =>
  m ? { id: m.id, provider: m.provider, modelId: m.modelId, displayName: m.displayName } : null;

/**
 * The model per AI function for one account. The engine reads the same choice (registry.modelFor): the account's
 * model while it is active, else the operator's default.
 */
export function createModelChoicesService({ prisma }: { prisma: PrismaClient }) {
  const data = modelChoicesData(prisma);
  const models = modelsData(prisma);

  async function list(accountId: string): Promise<TAccountModelChoice[]> {
    const [chosen, defaults] = await Promise.all([data.list(accountId), data.defaults()]);
    return AI_FUNCTIONS.map((fn) => {
      const own = chosen.find((c) => c.function === fn)?.model;
      const fallback = defaults.find((d) => d.function === fn)?.model;
      const defaultModel = fallback?.active ? fallback : null;
      const chosenModel = own?.active ? own : null;
      return {
        function: fn,
        kind: KIND_FOR[fn],
        defaultModel: ref(defaultModel),
        chosenModel: ref(chosenModel),
        effectiveModel: ref(chosenModel ?? defaultModel),
      };
    });
  }

  return {
    list: (auth: AuthContext) => list(auth.accountId),

    /** Chooses the model of a function for the account (null: back to the operator's default). */
    async set(auth: AuthContext, fn: TAiFunction, modelId: string | null): Promise<TAccountModelChoice> {
      if (modelId === null) {
        await data.clear(auth.accountId, fn);
      } else {
        const model = await models.find(modelId);
        if (!model) throw errors.notFound('Model', modelId);
        if (!model.active) {
          throw new AppError('CONFLICT', `Model ${model.modelId} is not available any more: choose another one.`, {
            field: 'modelId',
          });
        }
        if (model.kind !== KIND_FOR[fn]) {
          throw errors.validation([
            {
              in: 'body',
              field: 'modelId',
              message: `must be a ${KIND_FOR[fn]} model for ${fn} (${model.modelId} is ${model.kind === 'text' ? 'a' : 'an'} ${model.kind} model)`,
            },
          ]);
        }
        await data.set(auth.accountId, fn, model.id, auth.userId);
      }
      return (await list(auth.accountId)).find((c) => c.function === fn)!;
    },
  };
}

export type ModelChoicesService = ReturnType<typeof createModelChoicesService>;
