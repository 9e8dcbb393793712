import type { TAiFunction } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';

/** The model each account chose per AI function (AccountAiModel). */
export function modelChoicesData(db: Db) {
  return {
    /** The account's choices with their models. */
    list(accountId: string) {
      return db.accountAiModel.findMany({ where: { accountId }, include: { model: true } });
    },

    find(accountId: string, fn: TAiFunction) {
      return db.accountAiModel.findUnique({
        where: { accountId_function: { accountId, function: fn } },
        include: { model: true },
      });
    },

    set(accountId: string, fn: TAiFunction, modelId: string, userId: string) {
      return db.accountAiModel.upsert({
        where: { accountId_function: { accountId, function: fn } },
        create: { accountId, function: fn, modelId, updatedById: userId },
        update: { modelId, updatedById: userId },
      });
    },

    clear(accountId: string, fn: TAiFunction) {
      return db.accountAiModel.deleteMany({ where: { accountId, function: fn } });
    },

    /** Every function's operator default with its model. */
    defaults() {
      return db.aiFunctionDefault.findMany({ include: { model: true } });
    },
  };
}
