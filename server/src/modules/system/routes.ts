import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ZAccount, ZSystemStatus } from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { SystemService } from './service.ts';

const ZOperatorAccount = ZAccount.extend({ members: z.number().int(), sites: z.number().int() });

export const systemRoutes: FastifyPluginAsyncZod<{ system: SystemService }> = async (app, { system }) => {
  app.get('/system/status', {
    // Public so load balancers and uptime checks can use it; it reveals no tenant data.
    config: { auth: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Health of the database, queue and workers (503 when the database is down)',
      response: { 200: reply(ZSystemStatus), 503: reply(ZSystemStatus) },
    },
    handler: async (_request, res) => {
      const status = await system.status();
      return res.status(status.database.status === 'down' ? 503 : 200).send(ok(status));
    },
  });

  app.get('/system/accounts', {
    config: { auth: { operator: true } },
    schema: {
      tags: ['system'],
      summary: 'Every account on this installation (operators only)',
      security: [{ bearer: [] }],
      response: { 200: reply(z.array(ZOperatorAccount)) },
    },
    handler: async () => ok(await system.listAccounts()),
  });
};
