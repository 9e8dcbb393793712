import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where generated images are kept: local disk under DATA_DIR/media by default, or an S3-compatible bucket by
 * configuration. Keys are relative, "/"-separated paths such as "<accountId>/<contentId>/<imageId>.png".
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, mimeType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

/** Refuses keys that could leave the storage root ("..", absolute paths, backslashes). */
export function checkMediaKey(key: string): string {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((p) => p === '.' || p === '..')) {
    throw new Error(`Invalid media key: ${key}`);
  }
  return key;
}

export function localMediaStorage(root: string): MediaStorage {
  const file = (key: string) => path.join(root, ...checkMediaKey(key).split('/'));
  return {
    kind: 'local',
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Written under a temporary name first, so a crash never leaves half a file under the real key.
      const partial = `${target}.${process.pid}.partial`;
      await writeFile(partial, bytes);
      await rename(partial, target);
    },
    get: (key) => readFile(file(key)),
    async delete(key) {
      await rm(file(key), { force: true });
    },
  };
}

/** The media storage the configuration names (local disk under DATA_DIR/media unless S3 is configured). */
export function mediaStorageFor(config: { dataDir: string }): MediaStorage {
  return localMediaStorage(path.join(config.dataDir, 'media'));
}
