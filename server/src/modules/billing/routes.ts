import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZCreditBalance,
  ZCreditEntry,
  ZCreditTransactionsQuery,
  ZGrantBody,
  ZGrantResult,
  ZUsageQuery,
  ZUsageReport,
} from '@igny8/shared';
import { ok, reply } from '../../lib/envelope.ts';
import { siteOf } from '../auth/site-principal.ts';
import type { BillingService } from './service.ts';

const security = [{ bearer: [] }];

/**
 * Any member or API key may read the account's credits. A connected WordPress site may too, for its
 * Administrators only (`billing:read`): the account's balance, and its own site's usage and transactions.
 */
const readable = { siteScope: 'billing:read' } as const;

export const billingRoutes: FastifyPluginAsyncZod<{ billing: BillingService }> = async (app, { billing }) => {
  app.get('/billing/balance', {
    config: { auth: readable },
    schema: {
      tags: ['billing'],
      summary: "The account's credit balance",
      security,
      response: { 200: reply(ZCreditBalance) },
    },
    handler: async (request) => ok({ balance: await billing.balance(request.auth.accountId) }),
  });

  app.get('/billing/transactions', {
    config: { auth: readable },
    schema: {
      tags: ['billing'],
      summary: "The account's credit ledger (or one site's entries), newest first; a connected site sees its own",
      security,
      querystring: ZCreditTransactionsQuery,
      response: { 200: reply(pageOf(ZCreditEntry)) },
    },
    handler: async (request) =>
      ok(
        await billing.transactions(request.auth.accountId, {
          ...request.query,
          siteId: siteOf(request.auth) ?? request.query.siteId,
        }),
      ),
  });

  app.get('/billing/usage', {
    config: { auth: readable },
    schema: {
      tags: ['billing'],
      summary:
        'Credits used (all sites or one), grouped by operation, site, model or UTC day (the last 30 days by ' +
        'default); a connected site sees its own',
      security,
      querystring: ZUsageQuery,
      response: { 200: reply(ZUsageReport) },
    },
    handler: async (request) =>
      ok(
        await billing.usage(request.auth.accountId, {
          ...request.query,
          siteId: siteOf(request.auth) ?? request.query.siteId,
        }),
      ),
  });

  app.post('/billing/grants', {
    config: { auth: { operator: true } },
    schema: {
      tags: ['billing'],
      summary: 'Add credits to an account (service operators only)',
      security,
      body: ZGrantBody,
      response: { 201: reply(ZGrantResult) },
    },
    handler: async (request, res) => {
      const { accountId, amount, note, kind } = request.body;
      const result = await billing.grant(accountId, amount, note, request.auth.userId, kind);
      return res.status(201).send(ok(result));
    },
  });
};
