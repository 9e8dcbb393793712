import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZBillingSettingsBody,
  ZUsageDaily,
  ZUsageDailyQuery,
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
      summary: "The account's credit balance, its low-balance threshold and whether the balance is under it",
      security,
      response: { 200: reply(ZCreditBalance) },
    },
    handler: async (request) => ok(await billing.balanceView(request.auth.accountId)),
  });

  app.patch('/billing/settings', {
    config: { auth: { role: 'admin', scope: null } },
    schema: {
      tags: ['billing'],
      summary:
        'Set the low-balance threshold (owners and admins): under it, the balance shows `low: true`; null removes it',
      security,
      body: ZBillingSettingsBody,
      response: { 200: reply(ZCreditBalance) },
    },
    handler: async (request) =>
      ok(
        await billing.setLowBalanceThreshold(request.auth.accountId, request.body.lowBalanceThreshold),
        'Low-balance threshold saved.',
      ),
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

  app.get('/billing/transactions.csv', {
    config: { auth: readable },
    schema: {
      tags: ['billing'],
      summary:
        'The ledger entries GET /billing/transactions lists (same filters, every page), newest first, as a CSV file',
      security,
      querystring: ZCreditTransactionsQuery.omit({ limit: true, cursor: true }),
    },
    handler: async (request, res) => {
      const entries = billing.allTransactions(request.auth.accountId, {
        ...request.query,
        siteId: siteOf(request.auth) ?? request.query.siteId,
      });
      // Fail before the first byte (an unknown site) so the caller gets an error envelope, not a file.
      const first = await entries.next();
      async function* records() {
        let r = first;
        while (!r.done) {
          const e = r.value;
          yield [
            e.createdAt,
            e.kind,
            e.amount,
            e.credits ?? '',
            e.operation ?? '',
            e.siteId ?? '',
            e.jobRunId ?? '',
            e.model ?? '',
            e.note,
          ];
          r = await entries.next();
        }
      }
      const csv = Readable.from(records()).pipe(
        stringify({
          header: true,
          columns: ['date', 'kind', 'amount', 'credits', 'operation', 'site_id', 'job_id', 'model', 'note'],
          // Notes and names come from users and sites: a cell starting with = + - @ would run as a formula in a
          // spreadsheet, so csv-stringify prefixes it with a quote (numbers such as -120 stay numbers).
          escape_formulas: true,
        }),
      );
      const date = new Date().toISOString().slice(0, 10);
      return res
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="credit-transactions-${date}.csv"`)
        .send(csv);
    },
  });

  app.get('/billing/usage/daily', {
    config: { auth: readable },
    schema: {
      tags: ['billing'],
      summary:
        'Credits used per day over the last 30 or 90 days (`days`), one series per site or per operation ' +
        "(`groupBy`), days without usage as 0, in the account's time zone (UTC until accounts have one); a " +
        'connected site sees its own',
      security,
      querystring: ZUsageDailyQuery,
      response: { 200: reply(ZUsageDaily) },
    },
    handler: async (request) =>
      ok(
        await billing.dailyUsage(request.auth.accountId, {
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
