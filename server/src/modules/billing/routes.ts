import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { BillingService } from './service.ts';

export const billingRoutes: FastifyPluginAsyncZod<{ billing: BillingService }> = async (app, { billing }) => {
  app.get('/billing/balance', {
    config: { auth: {} },
    schema: {
      tags: ['billing'],
      summary: "The account's credit balance",
      security: [{ bearer: [] }],
      response: { 200: reply(z.object({ balance: z.number().int() })) },
    },
    handler: async (request) => ok({ balance: await billing.balance(request.auth.accountId) }),
  });
};
