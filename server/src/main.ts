import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.ts';
import { startService } from './runtime.ts';

/** Starts the API, and the worker too unless IGNY8_ROLE=api. Listens and closes gracefully on signals. */
async function main() {
  const config = loadConfig();
  const service = await startService({ config, api: true, worker: config.IGNY8_ROLE === 'all' });
  const app = service.app!;
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) service.log.error({ err }, 'shutting down after an error');
    else service.log.info({ signal }, 'shutting down');
    await service.close();
  });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const base = config.PUBLIC_URL ?? address;
  service.log.info(
    { database: service.db.mode, worker: Boolean(service.worker) },
    `IGNY8 API ready at ${base}/api/v1 (docs: ${base}/docs, status: ${base}/api/v1/system/status)`,
  );
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('IGNY8 failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
