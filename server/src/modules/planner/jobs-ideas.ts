import { callAi, settleStep } from '../ai/jobs.ts';
import type { ContentType, Prisma } from '../../generated/prisma/client.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { generateIdeasJob } from './contracts.ts';
import { plannerData } from './data/index.ts';
import type { PlannerJobDeps } from './jobs.ts';

interface GeneratedIdea {
  title: string;
  angle: string;
  contentType: 'how-to' | 'listicle' | 'guide' | 'comparison' | 'review';
  outline: { level: 'h2' | 'h3'; heading: string }[];
  primaryKeyword: string;
  secondaryKeywords: string[];
  intent: 'informational' | 'commercial' | 'transactional' | 'navigational';
  targetWords: number;
}

interface Generated {
  ideas: GeneratedIdea[];
  usage: Record<string, number>;
  credits: number;
  model: string;
  demo: boolean;
}

const CONTENT_TYPE: Record<GeneratedIdea['contentType'], ContentType> = {
  'how-to': 'how_to',
  listicle: 'listicle',
  guide: 'guide',
  comparison: 'comparison',
  review: 'review',
};

/**
 * Generates ideas for a cluster: the provider call, the writing of the ideas and the settlement of the credit hold
 * are separate steps, so a retry neither pays twice nor writes the ideas twice. A run that fails for good, or is
 * cancelled, gives the whole hold back.
 */
export function generateIdeasJobDefinition(deps: PlannerJobDeps) {
  return defineJob({
    ...generateIdeasJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, payload) => {
      const generated = (await ctx.step(
        'generate',
        () =>
          callAi(ctx, async (signal) => {
            const result = await deps.engine.run<{ ideas: GeneratedIdea[] }>(
              {
                accountId: ctx.accountId,
                siteId: payload.siteId,
                sectorId: payload.sectorId,
                jobRunId: ctx.jobId,
                signal,
              },
              'generate_ideas',
              payload.input,
            );
            return {
              ideas: result.output.ideas,
              usage: { ...result.usage },
              credits: result.credits,
              model: result.model,
              demo: result.demo,
            } as unknown as Prisma.InputJsonValue;
          }),
        { progress: 70 },
      )) as unknown as Generated;

      const ideaIds = await ctx.transactionalStep(
        'store',
        async (tx) => {
          // The cluster may have been deleted while the model was writing: keep the ideas, without a cluster.
          const ideas = plannerData(tx).ideas;
          const clusterId = await ideas.clusterStillThere(ctx.accountId, payload.clusterId);
          return ideas.createIdeas(
            // A model may offer more ideas than were asked for (and paid for): keep the number asked for.
            generated.ideas.slice(0, payload.input.ideaCount).map((idea) => ({
              accountId: ctx.accountId,
              siteId: payload.siteId,
              sectorId: payload.sectorId,
              clusterId,
              title: idea.title,
              angle: idea.angle,
              contentType: CONTENT_TYPE[idea.contentType] ?? 'guide',
              outline: idea.outline,
              primaryKeyword: idea.primaryKeyword,
              secondaryKeywords: idea.secondaryKeywords,
              intent: idea.intent,
              targetWordCount: Math.min(6000, Math.max(300, Math.round(idea.targetWords))),
              jobRunId: ctx.jobId,
              demo: generated.demo,
            })),
          );
        },
        { progress: 90 },
      );

      await settleStep(ctx, deps.billing, payload.holdId, generated);
      return {
        clusterId: payload.clusterId,
        ideaIds,
        credits: generated.credits,
        model: generated.model,
        // Demo output is filler from a stand-in provider: show it as such.
        demo: generated.demo,
      };
    },
    onFailure: deps.releaseHold,
  });
}

export function plannerIdeasJobs(deps: PlannerJobDeps): JobDefinition[] {
  return [generateIdeasJobDefinition(deps) as unknown as JobDefinition];
}
