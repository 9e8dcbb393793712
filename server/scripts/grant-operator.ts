import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';

/**
 * `npm run operator -- grant|revoke <email>`: operators manage the whole installation (accounts, models, global
 * settings). There is deliberately no API to become one: it takes shell access to the server.
 */
const [action, email] = process.argv.slice(2);
if ((action !== 'grant' && action !== 'revoke') || !email) {
  console.error('Usage: npm run operator -- grant|revoke <email>');
  process.exit(1);
}
try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    const { count } = await db.prisma.user.updateMany({
      where: { email: email.trim().toLowerCase() },
      data: { isOperator: action === 'grant' },
    });
    if (count === 0) {
      console.error(`No user has the email ${email}. Register first, then run this again.`);
      process.exitCode = 1;
    } else {
      console.log(`${email} is ${action === 'grant' ? 'now' : 'no longer'} an operator.`);
    }
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
}
