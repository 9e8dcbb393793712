import type { TAiFunction } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import type { AiFunction, AiProvider, Prisma } from '../../../generated/prisma/client.ts';

const include = { defaultFor: { select: { function: true } } } as const;

/** The model registry (AiModel, with the functions each is the default for) and the defaults (AiFunctionDefault). */
export function modelsData(db: Db) {
  return {
    find(id: string) {
      return db.aiModel.findUnique({ where: { id }, include });
    },

    list(includeInactive: boolean) {
      return db.aiModel.findMany({
        where: includeInactive ? {} : { active: true },
        include,
        orderBy: [{ provider: 'asc' }, { kind: 'asc' }, { modelId: 'asc' }],
      });
    },

    create(data: Prisma.AiModelCreateInput) {
      return db.aiModel.create({ data, include });
    },

    update(id: string, data: Prisma.AiModelUpdateInput) {
      return db.aiModel.update({ where: { id }, data, include });
    },

    setDefault(fn: TAiFunction, modelId: string) {
      return db.aiFunctionDefault.upsert({
        where: { function: fn },
        create: { function: fn, modelId },
        update: { modelId },
      });
    },

    /** The default of a function with its model, if one is set. */
    defaultFor(fn: TAiFunction) {
      return db.aiFunctionDefault.findUnique({ where: { function: fn }, include: { model: true } });
    },

    /** Active embedding models, cheapest first. */
    embeddingModels() {
      return db.aiModel.findMany({
        where: { kind: 'embedding', active: true },
        orderBy: [{ inputMicrosPerMTokens: 'asc' }, { modelId: 'asc' }],
      });
    },

    // The seed (seed.ts): insert what is missing, never overwrite.

    createMissing(data: Prisma.AiModelCreateManyInput[]) {
      return db.aiModel.createMany({ data, skipDuplicates: true });
    },

    async functionsWithDefault(): Promise<Set<AiFunction>> {
      return new Set((await db.aiFunctionDefault.findMany()).map((d) => d.function));
    },

    findByModelId(provider: AiProvider, modelId: string) {
      return db.aiModel.findUnique({ where: { provider_modelId: { provider, modelId } } });
    },

    createDefault(fn: AiFunction, modelId: string) {
      return db.aiFunctionDefault.create({ data: { function: fn, modelId } });
    },
  };
}

export type ModelsData = ReturnType<typeof modelsData>;

/** An embedding model by provider and model id, or null (what the planner embeds keywords with). */
export function findEmbeddingModel(db: Db, provider: string, modelId: string) {
  return db.aiModel.findFirst({
    where: { provider: provider as AiProvider, modelId, kind: 'embedding' },
  });
}
