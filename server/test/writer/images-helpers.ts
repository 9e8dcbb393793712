import type { TestContext } from '../helpers/app.ts';
import type { Member } from '../helpers/users.ts';
import { siteWithSector } from '../planner/helpers.ts';

/**
 * A written article for image tests, made with Prisma directly (the text generation is another part of the writer):
 * a site and sector, a task in `written` with `imageCount` in-article images, its content and one version.
 */
export async function writtenContent(
  t: TestContext,
  member: Member,
  options: { imageCount?: number; withVersion?: boolean; title?: string } = {},
) {
  const where = await siteWithSector(t, member);
  const title = options.title ?? 'How to choose trail running shoes';
  const task = await t.db.prisma.task.create({
    data: {
      accountId: member.accountId,
      siteId: where.siteId,
      sectorId: where.sectorId,
      title,
      primaryKeyword: 'trail running shoes',
      secondaryKeywords: ['best trail running shoes'],
      outline: [{ level: 'h2', heading: 'Fit first' }],
      targetWordCount: 1200,
      imageCount: options.imageCount ?? 2,
      status: options.withVersion === false ? 'queued' : 'written',
      createdById: member.userId,
    },
  });
  const withVersion = options.withVersion !== false;
  const content = await t.db.prisma.content.create({
    data: {
      accountId: member.accountId,
      siteId: where.siteId,
      taskId: task.id,
      language: 'en',
      currentVersion: withVersion ? 1 : 0,
    },
  });
  if (withVersion) {
    const sections = [
      {
        level: 'h2',
        heading: 'Fit first',
        html: '<p>A trail shoe must hold the heel and leave the toes room to spread on long descents.</p>',
      },
      {
        level: 'h2',
        heading: 'Grip for the ground you run',
        html: '<p>Deep lugs bite into mud; shallow, sticky rubber holds on rock &amp; roots.</p>',
      },
    ];
    await t.db.prisma.contentVersion.create({
      data: {
        contentId: content.id,
        number: 1,
        source: 'generated',
        title,
        seoTitle: title.slice(0, 60),
        metaDescription: 'Fit, grip and protection: how to pick trail running shoes that last.',
        slug: 'choose-trail-running-shoes',
        excerpt: 'Fit, grip and protection decide which trail running shoes suit you.',
        sections,
        body: sections.map((s) => `<!-- wp:heading --><h2>${s.heading}</h2><!-- /wp:heading -->${s.html}`).join(''),
        wordCount: 40,
      },
    });
  }
  return { ...where, taskId: task.id, contentId: content.id };
}
