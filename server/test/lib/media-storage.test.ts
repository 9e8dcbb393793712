import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '../writer/images-fake-s3.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import {
  checkMediaKey,
  localMediaStorage,
  MediaNotFoundError,
  mediaStorageFor,
  pngInfo,
  s3MediaStorage,
} from '../../src/lib/media-storage.ts';

/** Media storage: key checks, atomic local writes, S3 against a SigV4-checking fake, and its configuration. */
let dir: string;
let s3: FakeS3;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'igny8-media-'));
  s3 = await startFakeS3();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await s3?.close();
});

// A 2x3 PNG header (signature + IHDR); the rest of the file does not matter to pngInfo.
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR', 'latin1'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0]),
]);

describe('media keys', () => {
  it('accepts relative "/"-separated keys', () => {
    expect(checkMediaKey('acc/content/img.png')).toBe('acc/content/img.png');
  });

  it.each(['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\b', '..', '.', 'a/./b', '', 'a/b/', 'C:/x', 'a b'])(
    'refuses %j',
    (key) => {
      expect(() => checkMediaKey(key)).toThrow(/Invalid media key/);
    },
  );
});

describe('local media storage', () => {
  it('writes atomically (no partial file left), reads back, deletes, and refuses keys outside the root', async () => {
    const media = localMediaStorage(dir);
    expect(media.kind).toBe('local');
    const bytes = Buffer.alloc(256 * 1024, 7);
    // Many writers of one key at once: the file is always one whole write, never a mix or a leftover temp file.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => media.put('acc/content/a.png', Buffer.alloc(256 * 1024, i), 'image/png')),
    );
    const written = await media.get('acc/content/a.png');
    expect(written).toHaveLength(bytes.length);
    expect(new Set(written).size).toBe(1);
    expect(await readdir(path.join(dir, 'acc', 'content'))).toEqual(['a.png']);
    expect(await readFile(path.join(dir, 'acc', 'content', 'a.png'))).toEqual(written);

    await media.delete('acc/content/a.png');
    await media.delete('acc/content/a.png'); // already gone: nothing happens
    await expect(media.get('acc/content/a.png')).rejects.toBeInstanceOf(MediaNotFoundError);

    for (const key of ['../x', '/tmp/x', 'a/../../x']) {
      await expect(media.put(key, bytes, 'image/png')).rejects.toThrow(/Invalid media key/);
      await expect(media.get(key)).rejects.toThrow(/Invalid media key/);
      await expect(media.delete(key)).rejects.toThrow(/Invalid media key/);
    }
    expect(await readdir(path.dirname(dir))).not.toContain('x');
  });
});

describe('S3 media storage', () => {
  it('puts, gets and deletes objects path-style under the prefix, signed with SigV4', async () => {
    const media = s3MediaStorage({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      prefix: '/igny8/media/',
    });
    expect(media.kind).toBe('s3');
    const bytes = Buffer.concat([PNG, Buffer.alloc(70_000, 1)]);
    await media.put('acc/content/img.png', bytes, 'image/png');
    expect([...s3.objects.keys()]).toEqual(['igny8/media/acc/content/img.png']);
    expect(s3.objects.get('igny8/media/acc/content/img.png')!.contentType).toBe('image/png');
    expect(await media.get('acc/content/img.png')).toEqual(bytes);
    await media.delete('acc/content/img.png');
    await media.delete('acc/content/img.png'); // S3 deletes are idempotent
    expect(s3.objects.size).toBe(0);
    await expect(media.get('acc/content/img.png')).rejects.toBeInstanceOf(MediaNotFoundError);
    await expect(media.put('../x', bytes, 'image/png')).rejects.toThrow(/Invalid media key/);

    // Every request was path-style, signed, and accepted by the signature check (a wrong secret is refused).
    expect(s3.requests.length).toBeGreaterThanOrEqual(5);
    for (const r of s3.requests) {
      expect(r.path.startsWith(`/${s3.bucket}/igny8/media/acc/content/img.png`)).toBe(true);
      expect(r.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIAFAKES3TEST\/\d{8}\/us-east-1\/s3\/aws4_request/,
      );
    }
    expect(s3.requests.filter((r) => r.status === 403)).toEqual([]);
    const wrong = s3MediaStorage({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: 'not-the-secret',
      forcePathStyle: true,
    });
    await expect(wrong.put('acc/x.png', bytes, 'image/png')).rejects.toThrow(/signature mismatch/);
    expect(s3.objects.size).toBe(0);
  });

  it('is chosen by MEDIA_STORAGE=s3 with its variables', async () => {
    const config = loadConfig({
      MEDIA_STORAGE: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'site-media',
    });
    expect(config).toMatchObject({ S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true });
    const media = mediaStorageFor(config);
    expect(media.kind).toBe('s3');
    await media.put('a/b.png', PNG, 'image/png');
    expect(s3.objects.has('site-media/a/b.png')).toBe(true);
    await media.delete('a/b.png');
    expect(mediaStorageFor(loadConfig({ DATA_DIR: dir })).kind).toBe('local');
  });
});

describe('media configuration', () => {
  it('refuses MEDIA_STORAGE=s3 without bucket and keys, naming each missing variable', () => {
    let error: unknown;
    try {
      loadConfig({ MEDIA_STORAGE: 's3', S3_ACCESS_KEY_ID: 'id' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'S3_BUCKET: required when MEDIA_STORAGE is s3',
      'S3_SECRET_ACCESS_KEY: required when MEDIA_STORAGE is s3',
    ]);
    expect(() => loadConfig({ MEDIA_STORAGE: 'ftp' })).toThrow(/MEDIA_STORAGE/);
    expect(() => loadConfig({ S3_PREFIX: '../up' })).toThrow(/S3_PREFIX/);
    expect(loadConfig({}).MEDIA_STORAGE).toBe('local');
  });
});

describe('pngInfo', () => {
  it('reads width and height from the IHDR header and refuses what is not a PNG', () => {
    expect(pngInfo(PNG)).toEqual({ width: 2, height: 3, mimeType: 'image/png' });
    expect(pngInfo(Buffer.from('GIF89a not a png at all, no'))).toBeNull();
    expect(pngInfo(PNG.subarray(0, 20))).toBeNull();
  });
});
