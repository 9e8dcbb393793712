// The chaos run's worker launcher: the product's worker (test/fixtures/worker-process.ts, the same one
// startWorkerProcess runs) bundled once with esbuild (tsx's own, the dependencies left as they are) and started with
// plain node. A start then costs about 1.3 s of CPU instead of 3 s under tsx, which is what a hundred kills on a
// busy 2-core machine are made of.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TEST_ENCRYPTION_KEYS, type TestContext } from '../helpers/app.ts';
import type { RunningProcess } from '../helpers/processes.ts';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles the worker into server/.data (so its imports resolve from the checkout's node_modules); answers a launcher. */
export async function workerLauncher(t: TestContext, env: Record<string, string>) {
  // Two folders below server/, like src/db/: the paths the sources take from import.meta.url still resolve.
  const bundle = path.join(SERVER_DIR, '.data', 'chaos-worker', `worker-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(SERVER_DIR, 'test/fixtures/worker-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
    plugins: [
      {
        name: 'dependencies-stay-external',
        setup(b) {
          // Packages load from node_modules as usual; the workspace's own TypeScript (@igny8/shared) is bundled.
          b.onResolve({ filter: /^[^./]/ }, (a) =>
            a.path.startsWith('@igny8/') ? undefined : { path: a.path, external: true },
          );
        },
      },
    ],
  });

  async function start(readyTimeoutMs = 120_000): Promise<RunningProcess> {
    const { INIT_CWD: _initCwd, ...inherited } = process.env;
    const child = spawn(process.execPath, [bundle], {
      cwd: SERVER_DIR,
      env: {
        ...inherited,
        LOG_LEVEL: 'warn',
        DATABASE_URL: t.database.url,
        ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
        JWT_SECRET: 'x'.repeat(40),
        ALLOW_PRIVATE_SITE_URLS: String(t.config.ALLOW_PRIVATE_SITE_URLS),
        ALLOW_PRIVATE_PROVIDER_URLS: String(t.config.ALLOW_PRIVATE_PROVIDER_URLS),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker not ready in ${readyTimeoutMs} ms:\n${out}`)),
        readyTimeoutMs,
      );
      const onData = (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-20_000);
        if (/WORKER READY/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before it was ready:\n${out}`));
      });
    });
    await ready;
    return {
      child,
      exited,
      output: () => out,
      waitFor: () => Promise.reject(new Error('not used by the chaos run')),
    };
  }

  return { start, remove: () => rmSync(bundle, { force: true }) };
}
