import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { startFakeS3, type FakeS3 } from './images-fake-s3.ts';
import { writtenContent } from './images-helpers.ts';
import { validPng } from './images-png.ts';

/**
 * Images kept in an S3-compatible bucket (MEDIA_STORAGE=s3, path style, a prefix): the worker uploads each picture
 * with SigV4-signed requests, the API serves it back from the bucket, and replaced pictures are deleted from it.
 */
let t: TestContext;
let fake: FakeAi;
let s3: FakeS3;
let worker: RunningProcess | undefined;
let env: Record<string, string>;

const api = (member: Member, method: 'GET' | 'POST', url: string) =>
  t.app.inject({ method, url: `/api/v1/writer${url}`, headers: member.headers });
const finished = (member: Member, id: string) =>
  eventually(async () => {
    const j = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: member.headers })).json().data;
    if (j.status === 'failed') throw new Error(JSON.stringify(j.error));
    return j.status === 'succeeded' ? j : undefined;
  }, 60_000);

beforeAll(async () => {
  s3 = await startFakeS3();
  env = {
    ...FAKE_AI_ENV,
    MEDIA_STORAGE: 's3',
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    S3_PREFIX: 'igny8/media',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  t = await createTestApp(env);
  fake = await startFakeAi();
  worker = await startWorkerProcess(t, env);
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
  await s3?.close();
});

describe('images in S3-compatible storage', () => {
  it('uploads every picture to the bucket, serves it back, and deletes replaced ones', async () => {
    const member = await memberWithFakeAi(t, fake, 10_000);
    const c = await writtenContent(t, member, { imageCount: 1 });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    expect(res.statusCode, res.body).toBe(202);
    await finished(member, res.json().data.jobId);

    const images = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as {
      id: string;
      fileUrl: string;
      bytes: number;
    }[];
    expect(images).toHaveLength(2);
    const keys = images.map((i) => `igny8/media/${member.accountId}/${c.contentId}/${i.id}.png`);
    expect([...s3.objects.keys()].sort()).toEqual([...keys].sort());
    for (const [n, image] of images.entries()) {
      const row = await t.db.prisma.contentImage.findUniqueOrThrow({ where: { id: image.id } });
      expect(row).toMatchObject({ storage: 's3', storageKey: `${member.accountId}/${c.contentId}/${image.id}.png` });
      const object = s3.objects.get(keys[n]!)!;
      expect(object.contentType).toBe('image/png');
      expect(object.body.length).toBe(image.bytes);
      validPng(object.body);
      const file = await t.app.inject({ method: 'GET', url: image.fileUrl, headers: member.headers });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.rawPayload.equals(object.body)).toBe(true);
    }
    // Every request the bucket saw was path-style and accepted by its SigV4 check.
    expect(s3.requests.length).toBeGreaterThanOrEqual(4);
    for (const r of s3.requests) {
      expect(r.path.startsWith(`/${s3.bucket}/igny8/media/`)).toBe(true);
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
      expect(r.status).toBeLessThan(300);
    }

    // Regenerating the featured image uploads the new picture, then deletes the old object.
    const again = await api(member, 'POST', `/images/${images[0]!.id}/regenerate`);
    const done = await finished(member, again.json().data.jobId);
    expect([...s3.objects.keys()].sort()).toEqual(
      [`igny8/media/${member.accountId}/${c.contentId}/${done.id}.png`, keys[1]!].sort(),
    );
    expect(s3.requests.some((r) => r.method === 'DELETE' && r.path.includes(images[0]!.id))).toBe(true);

    // A file gone from the bucket answers 404 naming the image, not a 500.
    s3.objects.delete(keys[1]!);
    const missing = await t.app.inject({ method: 'GET', url: images[1]!.fileUrl, headers: member.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe(
      `The file of image ${images[1]!.id} is missing from the s3 storage: regenerate it.`,
    );
  });

  it('a generic AI image run (POST /ai/runs, generate_images) stores its file in the bucket too', async () => {
    const member = await memberWithFakeAi(t, fake, 10_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/runs',
      headers: member.headers,
      payload: { function: 'generate_images', input: { prompt: 'A pair of blue running shoes on a forest trail' } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const jobId = res.json().data.jobId as string;
    const done = await finished(member, jobId);
    const key = `${member.accountId}/${jobId}.png`;
    expect(done.result.output).toMatchObject({ file: key, mimeType: 'image/png', storage: 's3' });
    const object = s3.objects.get(`igny8/media/${key}`);
    expect(object?.contentType).toBe('image/png');
    expect(object!.body.length).toBe(done.result.output.bytes);
    validPng(object!.body);
  });
});
