import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.ts';
import { startService } from './runtime.ts';

/** A worker process: runs jobs, serves no HTTP. Needs PostgreSQL (the embedded database is single-process). */
async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_URL: a separate worker needs PostgreSQL. With the embedded database, `npm start` runs the API and ' +
        'the worker together in one process.',
    ]);
  }
  const service = await startService({ config, api: false, worker: true });
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) service.log.error({ err }, 'worker shutting down after an error');
    else service.log.info({ signal }, 'worker shutting down');
    await service.close();
  });
}

main().catch((error) => {
  console.error(
    error instanceof ConfigError ? error.message : `IGNY8 worker failed to start: ${error?.message ?? error}`,
  );
  process.exit(1);
});
