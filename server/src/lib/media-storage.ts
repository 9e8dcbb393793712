import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/**
 * Where generated images are kept: local disk under DATA_DIR/media by default, or an S3-compatible bucket by
 * configuration. Keys are relative, "/"-separated paths such as "<accountId>/<contentId>/<imageId>.png".
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, mimeType: string): Promise<void>;
  /** The stored bytes; MediaNotFoundError when there is no such file. */
  get(key: string): Promise<Buffer>;
  /** Removes the file; nothing happens when it is already gone. */
  delete(key: string): Promise<void>;
}

/** A key with no file behind it (deleted by hand, or storage switched without moving the files). */
export class MediaNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No media file is stored under ${key}.`);
    this.name = 'MediaNotFoundError';
  }
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Refuses keys that could leave the storage root ("..", absolute paths, backslashes, empty segments). */
export function checkMediaKey(key: string): string {
  const parts = key.split('/');
  if (key.length > 512 || parts.some((p) => !SEGMENT.test(p) || p === '.' || p === '..')) {
    throw new Error(`Invalid media key: ${JSON.stringify(key)}`);
  }
  return key;
}

export function localMediaStorage(root: string): MediaStorage {
  const base = path.resolve(root);
  const file = (key: string) => {
    const target = path.join(base, ...checkMediaKey(key).split('/'));
    // Belt and braces: whatever the key, the file is inside the root.
    if (!target.startsWith(base + path.sep)) throw new Error(`Invalid media key: ${JSON.stringify(key)}`);
    return target;
  };
  return {
    kind: 'local',
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Written under a unique temporary name, then renamed (atomic on one file system): a crash never leaves half a
      // file under the real key, and two writers of one key never interleave.
      const partial = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.partial`;
      try {
        await writeFile(partial, bytes);
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async get(key) {
      try {
        return await readFile(file(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaNotFoundError(key);
        throw error;
      }
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
  };
}

export interface S3MediaOptions {
  bucket: string;
  region: string;
  /** An S3-compatible service's URL (MinIO, R2, Spaces); unset for AWS. */
  endpoint?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  /** ENDPOINT/BUCKET/KEY addressing instead of virtual-hosted BUCKET.ENDPOINT/KEY. */
  forcePathStyle?: boolean;
  /** Prepended to every key ("igny8/media" -> "igny8/media/<key>"). */
  prefix?: string | undefined;
}

/**
 * An S3-compatible bucket through the official AWS SDK v3 client (@aws-sdk/client-s3): maintained by AWS, signs with
 * SigV4, retries throttling and 5xx with backoff, and talks to MinIO, Cloudflare R2 or DigitalOcean Spaces through
 * `endpoint` + path-style addressing.
 */
export function s3MediaStorage(options: S3MediaOptions): MediaStorage {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Checksums only where S3 requires them: several S3-compatible services reject the CRC trailers newer SDKs send.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const objectKey = (key: string) => (prefix ? `${prefix}/${checkMediaKey(key)}` : checkMediaKey(key));
  const notFound = (error: unknown) =>
    error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);
  return {
    kind: 's3',
    async put(key, bytes, mimeType) {
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: objectKey(key),
          Body: bytes,
          ContentType: mimeType,
          ContentLength: bytes.length,
        }),
      );
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: objectKey(key) }));
        if (!out.Body) throw new MediaNotFoundError(key);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (error) {
        if (notFound(error)) throw new MediaNotFoundError(key);
        throw error;
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: objectKey(key) }));
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    },
  };
}

export interface MediaConfig {
  dataDir: string;
  MEDIA_STORAGE?: 'local' | 's3' | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION?: string | undefined;
  S3_ENDPOINT?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE?: boolean | undefined;
  S3_PREFIX?: string | undefined;
}

/** The media storage the configuration names (local disk under DATA_DIR/media unless MEDIA_STORAGE is s3). */
export function mediaStorageFor(config: MediaConfig): MediaStorage {
  if (config.MEDIA_STORAGE !== 's3') return localMediaStorage(path.join(config.dataDir, 'media'));
  if (!config.S3_BUCKET || !config.S3_ACCESS_KEY_ID || !config.S3_SECRET_ACCESS_KEY) {
    // loadConfig refuses this already; a hand-built config gets the same message.
    throw new Error('MEDIA_STORAGE is s3 but S3_BUCKET, S3_ACCESS_KEY_ID or S3_SECRET_ACCESS_KEY is not set.');
  }
  return s3MediaStorage({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION ?? 'us-east-1',
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE ?? false,
    prefix: config.S3_PREFIX,
  });
}

/** Width, height and type of a PNG from its IHDR header; null when the bytes are not a PNG. */
export function pngInfo(bytes: Buffer): { width: number; height: number; mimeType: 'image/png' } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) return null;
  return { width, height, mimeType: 'image/png' };
}
