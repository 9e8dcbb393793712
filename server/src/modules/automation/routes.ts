import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZAutomationReviewItem,
  ZAutomationReviewPublishBody,
  ZAutomationReviewPublished,
  ZAutomationReviewQuery,
  ZAutomationRun,
  ZAutomationRunParams,
  ZAutomationRunsQuery,
  ZAutomationSettingsPatch,
  ZAutomationState,
  ZSiteParams,
} from '@igny8/shared';
import { ok, reply } from '../../lib/envelope.ts';
import type { AutomationServices } from './index.ts';

const security = [{ bearer: [] }];
const read = { scope: 'automation:read' } as const;
const write = { role: 'admin', scope: 'automation:write' } as const;
const tags = ['automation'];
const ZSiteRunsQuery = ZAutomationRunsQuery.omit({ siteId: true });

/** Automation: settings and schedule per site, runs and their control, and the review queue. */
export const automationRoutes: FastifyPluginAsyncZod<AutomationServices> = async (app, { settings, runs, review }) => {
  app.get('/sites/:siteId/automation', {
    config: { auth: read },
    schema: {
      tags,
      summary:
        "A site's automation: settings, next scheduled run, the run under way, the last run, this month's credits",
      security,
      params: ZSiteParams,
      response: { 200: reply(ZAutomationState) },
    },
    handler: async (request) => ok(await settings.state(request.auth, request.params.siteId)),
  });

  app.put('/sites/:siteId/automation', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        "Change a site's automation settings (any part; the rest stays) and schedule it in the site's time zone. " +
        'A run under way keeps the settings it started with',
      security,
      params: ZSiteParams,
      body: ZAutomationSettingsPatch,
      response: { 200: reply(ZAutomationState) },
    },
    handler: async (request) =>
      ok(await settings.save(request.auth, request.params.siteId, request.body), 'Automation settings saved.'),
  });

  app.post('/sites/:siteId/automation/runs', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Run now: start a run with the current settings (202); 409 while a run of the site is under way',
      security,
      params: ZSiteParams,
      response: { 202: reply(ZAutomationRun) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(ok(await runs.start(request.auth, request.id, request.params.siteId), 'Automation run started.')),
  });

  app.get('/sites/:siteId/automation/runs', {
    config: { auth: read },
    schema: {
      tags,
      summary: "The site's automation runs, newest first",
      security,
      params: ZSiteParams,
      querystring: ZSiteRunsQuery,
      response: { 200: reply(pageOf(ZAutomationRun)) },
    },
    handler: async (request) => ok(await runs.list(request.auth, { ...request.query, siteId: request.params.siteId })),
  });

  app.get('/automation/runs', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'Automation runs of every site of the account, newest first (filters: site, active or ended)',
      security,
      querystring: ZAutomationRunsQuery,
      response: { 200: reply(pageOf(ZAutomationRun)) },
    },
    handler: async (request) => ok(await runs.list(request.auth, request.query)),
  });

  app.get('/automation/runs/:runId', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'A run with its seven stages (in, out, failed, running), credits, and why it stopped',
      security,
      params: ZAutomationRunParams,
      response: { 200: reply(ZAutomationRun) },
    },
    handler: async (request) => ok(await runs.get(request.auth, request.params.runId)),
  });

  const control = {
    pause: ['Pause: start nothing new; what runs finishes, then the run waits to be resumed', 'Pausing the run.'],
    resume: ['Resume a paused run where it stopped', 'Run resumed.'],
    cancel: ['Cancel: jobs under way are cancelled and their credits given back; the run ends', 'Cancelling the run.'],
  } as const;
  for (const [action, [summary, message]] of Object.entries(control)) {
    app.post(`/automation/runs/:runId/${action}`, {
      config: { auth: write },
      schema: { tags, summary, security, params: ZAutomationRunParams, response: { 200: reply(ZAutomationRun) } },
      handler: async (request) => {
        const { runId } = request.params as { runId: string };
        const run =
          action === 'pause'
            ? await runs.pause(request.auth, runId)
            : action === 'resume'
              ? await runs.resume(request.auth, request.id, runId)
              : await runs.cancel(request.auth, runId);
        return ok(run, message);
      },
    });
  }

  app.get('/sites/:siteId/automation/review', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'Articles automation finished while auto-publish was off, waiting for review',
      security,
      params: ZSiteParams,
      querystring: ZAutomationReviewQuery,
      response: { 200: reply(pageOf(ZAutomationReviewItem)) },
    },
    handler: async (request) => ok(await review.list(request.auth, request.params.siteId, request.query)),
  });

  app.post('/sites/:siteId/automation/review/publish', {
    config: { auth: { role: 'editor', scope: 'automation:write' } },
    schema: {
      tags,
      summary:
        "Approve and publish articles from the review queue on the site's cadence; an outcome per article (one " +
        'failing does not stop the others)',
      security,
      params: ZSiteParams,
      body: ZAutomationReviewPublishBody,
      response: { 200: reply(ZAutomationReviewPublished) },
    },
    handler: async (request) =>
      ok(await review.publish(request.auth, request.id, request.params.siteId, request.body.contentIds)),
  });
};
