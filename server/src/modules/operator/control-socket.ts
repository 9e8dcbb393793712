import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { OperatorCommandError, runOperatorCommand, type OperatorCommand, type OperatorDeps } from './commands.ts';

/**
 * The embedded database serves one process, so `npm run operator` cannot open it while the server runs. The server
 * then takes operator commands on a Unix socket in its data folder instead: only someone with shell access to that
 * folder (mode 0600) can reach it, which is the same trust as opening the database. One JSON line in (the command),
 * one JSON line out: { ok: true, message } or { ok: false, error }.
 */
export const CONTROL_SOCKET = 'control.sock';
const MAX_REQUEST_BYTES = 4_096;
const TIMEOUT_MS = 30_000;

export type ControlAnswer = { ok: true; message: string } | { ok: false; error: string };

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, CONTROL_SOCKET);
}

export async function startControlSocket(
  dataDir: string,
  deps: OperatorDeps,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  const file = controlSocketPath(dataDir);
  // A socket left by a crashed server: the data folder's lock already proved no other server runs here.
  await rm(file, { force: true });
  const server = net.createServer((socket) => {
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy());
    let input = '';
    socket.on('data', (chunk) => {
      input += chunk.toString('utf8');
      if (input.length > MAX_REQUEST_BYTES) socket.destroy();
      const end = input.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      void answer(input.slice(0, end)).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
    socket.on('error', () => {});
  });
  const answer = async (line: string): Promise<ControlAnswer> => {
    try {
      const command = JSON.parse(line) as OperatorCommand;
      const message = await runOperatorCommand(deps, command);
      log.info({ command: command.command }, 'operator command run through the control socket');
      return { ok: true, message };
    } catch (error) {
      if (error instanceof OperatorCommandError) return { ok: false, error: error.message };
      log.error({ err: error }, 'operator command failed');
      return { ok: false, error: 'The server could not run the command; its log has the details.' };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  await chmod(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        void rm(file, { force: true });
      }),
  };
}

/** Sends one command to the server running on this data folder; rejects when none listens there. */
export function sendControlCommand(dataDir: string, command: OperatorCommand): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(controlSocketPath(dataDir));
    let output = '';
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('The server did not answer within 30 s.')));
    socket.on('connect', () => socket.write(`${JSON.stringify(command)}\n`));
    socket.on('data', (chunk) => (output += chunk.toString('utf8')));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(output) as ControlAnswer);
      } catch {
        reject(new Error('The server sent an answer that is not JSON.'));
      }
    });
    socket.on('error', reject);
  });
}
