import type { App } from '../../src/app.ts';

/**
 * Makes the app listen on 127.0.0.1 for tests that need a real socket (what inject() cannot send: cut-off bodies,
 * bytes Node's HTTP parser refuses). Ports come from 4100-4199, the range set aside for this suite's own servers.
 */
export async function listenOnTestPort(app: App): Promise<number> {
  for (let port = 4100; port < 4200; port++) {
    try {
      await app.listen({ port, host: '127.0.0.1' });
      return port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('No free port in 4100-4199');
}
