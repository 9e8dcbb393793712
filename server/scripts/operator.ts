import { ConfigError, loadConfig } from '../src/config.ts';
import { DataDirLockedError, openDatabase } from '../src/db/database.ts';
import { createBillingService } from '../src/modules/billing/service.ts';
import { OperatorCommandError, parseOperatorCommand, runOperatorCommand } from '../src/modules/operator/commands.ts';
import { sendControlCommand } from '../src/modules/operator/control-socket.ts';

/**
 * `npm run operator -- grant|revoke <email>` and `credits <email> <amount> [note]`: operators manage the whole
 * installation (accounts, models, credits). There is deliberately no API to become one: it takes shell access to the
 * server. On PostgreSQL the command opens the database; on the embedded database a running server holds it, so the
 * command goes to that server through its control socket (in DATA_DIR), and works the same.
 */
try {
  const command = parseOperatorCommand(process.argv.slice(2));
  const config = loadConfig();
  let message: string;
  try {
    const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
    try {
      message = await runOperatorCommand(
        { prisma: db.prisma, billing: createBillingService({ prisma: db.prisma }) },
        command,
      );
    } finally {
      await db.close();
    }
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const answer = await sendControlCommand(config.dataDir, command).catch((cause: Error) => {
      throw new Error(`${error.message}\nIts control socket did not answer either (${cause.message}).`);
    });
    if (!answer.ok) throw new OperatorCommandError(answer.error);
    message = `${answer.message} (through the running server)`;
  }
  console.log(message);
} catch (error) {
  const known = error instanceof ConfigError || error instanceof OperatorCommandError;
  console.error(known ? error.message : `The command failed: ${(error as Error).message}`);
  process.exit(1);
}
