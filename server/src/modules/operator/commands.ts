import type { PrismaClient } from '../../generated/prisma/client.ts';
import { authData } from '../auth/data.ts';
import type { BillingService } from '../billing/service.ts';

/**
 * What `npm run operator` does, in one place whether the command opens the database itself or hands the command to
 * the running server (control socket; the embedded database serves one process). Answers are sentences for the
 * person at the shell; a refusal throws OperatorCommandError with what to do.
 */
export type OperatorCommand =
  | { command: 'grant' | 'revoke'; email: string }
  | { command: 'credits'; email: string; amount: number; note?: string | undefined; accountId?: string | undefined };

export class OperatorCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorCommandError';
  }
}

export const OPERATOR_USAGE = [
  'Usage:',
  '  npm run operator -- grant <email>                       make a registered user a service operator',
  '  npm run operator -- revoke <email>                      take operator rights away',
  '  npm run operator -- credits <email> <amount> [note]     add credits to the account the user owns',
  '                      [--account <accountId>]             (or to this account of theirs)',
].join('\n');

/** Reads the command line (after `npm run operator --`); throws OperatorCommandError with the usage on a mistake. */
export function parseOperatorCommand(argv: string[]): OperatorCommand {
  const args = [...argv];
  let accountId: string | undefined;
  const flag = args.indexOf('--account');
  if (flag >= 0) {
    accountId = args[flag + 1];
    if (!accountId) throw new OperatorCommandError(`--account needs an account id.\n${OPERATOR_USAGE}`);
    args.splice(flag, 2);
  }
  const [command, email, amount, ...note] = args;
  if ((command === 'grant' || command === 'revoke') && email && amount === undefined) return { command, email };
  if (command === 'credits' && email && amount !== undefined) {
    const n = Number(amount);
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new OperatorCommandError(`The amount must be a whole number of credits above 0 (got "${amount}").`);
    }
    return { command, email, amount: n, note: note.join(' ') || undefined, accountId };
  }
  throw new OperatorCommandError(OPERATOR_USAGE);
}

/** Carries the command out on the database; returns the sentence to print. */
/** What operator commands work with: the database and the ledger (the server's own, or the CLI's). */
export interface OperatorDeps {
  prisma: PrismaClient;
  billing: BillingService;
}

export async function runOperatorCommand({ prisma, billing }: OperatorDeps, cmd: OperatorCommand): Promise<string> {
  const email = cmd.email.trim().toLowerCase();
  const users = authData(prisma);
  if (cmd.command !== 'credits') {
    const count = await users.setOperator(email, cmd.command === 'grant');
    if (count === 0)
      throw new OperatorCommandError(`No user has the email ${email}. Register first, then run this again.`);
    return `${email} is ${cmd.command === 'grant' ? 'now' : 'no longer'} an operator.`;
  }
  const user = await users.findUserByEmailWithAccountNames(email);
  if (!user) throw new OperatorCommandError(`No user has the email ${email}. Register first, then run this again.`);
  const membership = cmd.accountId
    ? user.memberships.find((m) => m.accountId === cmd.accountId)
    : (user.memberships.find((m) => m.role === 'owner') ?? user.memberships[0]);
  if (!membership) {
    throw new OperatorCommandError(
      cmd.accountId
        ? `${email} is not a member of account ${cmd.accountId}.`
        : `${email} belongs to no account yet: nothing to add credits to.`,
    );
  }
  const { balance } = await billing.grant(
    membership.accountId,
    cmd.amount,
    cmd.note ?? 'Granted by an operator (npm run operator)',
    null,
  );
  return (
    `Added ${cmd.amount.toLocaleString('en-US')} credits to "${membership.account.name}" (${membership.accountId}); ` +
    `its balance is now ${balance.toLocaleString('en-US')}.`
  );
}
