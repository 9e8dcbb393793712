import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaClient } from '../generated/prisma/client.ts';

/**
 * Catches the one mistake that freezes the embedded database: code running inside an interactive transaction that
 * queries through the main client (or pg-boss's) instead of the transaction's. PGlite serves one connection, so
 * that query waits for the transaction to end while the transaction waits for the query: the whole server stops
 * answering. On PostgreSQL the same code takes a second pooled connection per transaction, which exhausts the pool
 * under load. So in both modes the query fails at once instead, naming what it tried to do; the transaction rolls
 * back and the job or request reports the error. Work started from inside a transaction runs in its async context,
 * so "inside" is tracked with AsyncLocalStorage, set when the transaction's callback starts.
 */
const insideTransaction = new AsyncLocalStorage<{ startedAt: string }>();

export class TransactionSelfWaitError extends Error {
  readonly code = 'TRANSACTION_SELF_WAIT';
  /** The code that opened the transaction (a stack frame): logged with the error, never put in its message. */
  readonly openedBy: string;
  constructor(operation: string, openedBy: string) {
    super(
      `${operation} ran on the main database client while a transaction of the same flow was open. Use the ` +
        `transaction's client inside the transaction, or run it after commit: on the embedded database this would ` +
        `wait for itself forever.`,
    );
    this.name = 'TransactionSelfWaitError';
    this.openedBy = openedBy;
  }
}

function refuseInsideTransaction(operation: string): void {
  const open = insideTransaction.getStore();
  if (open) throw new TransactionSelfWaitError(operation, open.startedAt);
}

/** Runs `fn` as the body of a transaction: the main clients refuse queries from it (and from what it starts). */
export function asTransactionBody<T>(openedBy: string, fn: () => T): T {
  return insideTransaction.run({ startedAt: openedBy }, fn);
}

/** The code that called `$transaction` (the frame above the guard), for the error message. */
function callerFrame(): string {
  const frame = new Error().stack?.split('\n')[3]?.trim() ?? '';
  return frame.replace(/^at /, '') || 'unknown code';
}

/** Marks the body of every interactive `$transaction(async (tx) => ...)` of this client. */
export function guardTransactions(prisma: PrismaClient): PrismaClient {
  const original = prisma.$transaction.bind(prisma) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const guarded = (arg: unknown, options?: unknown) => {
    if (typeof arg !== 'function') return original(arg, options);
    const openedBy = callerFrame();
    return original((tx: unknown) => asTransactionBody(openedBy, () => (arg as (tx: unknown) => unknown)(tx)), options);
  };
  Object.defineProperty(prisma, '$transaction', { value: guarded, configurable: true, writable: true });
  return prisma;
}

const ADAPTER_OPERATIONS = new Set(['queryRaw', 'executeRaw', 'executeScript', 'startTransaction']);

/** The driver adapter of the main Prisma client: its own queries refuse to run inside a transaction body. */
export function guardAdapter<F extends SqlDriverAdapterFactory>(factory: F): F {
  const connect = factory.connect.bind(factory);
  return new Proxy(factory, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver) as unknown;
      return async (): Promise<SqlDriverAdapter> => {
        const adapter = await connect();
        return new Proxy(adapter, {
          get(a, p, r) {
            const value = Reflect.get(a, p, r) as unknown;
            if (typeof value !== 'function') return value;
            if (typeof p === 'string' && ADAPTER_OPERATIONS.has(p)) {
              return (...args: unknown[]) => {
                refuseInsideTransaction(`A database ${p === 'startTransaction' ? 'transaction' : 'query'}`);
                return (value as (...x: unknown[]) => unknown).apply(a, args);
              };
            }
            return (value as (...x: unknown[]) => unknown).bind(a);
          },
        });
      };
    },
  });
}

const PGLITE_OPERATIONS = new Set(['query', 'exec', 'sql', 'transaction', 'listen']);

/** The embedded database as the job queue sees it: its queries refuse to run inside a transaction body. */
export function guardPglite(pglite: PGlite): PGlite {
  return new Proxy(pglite, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && PGLITE_OPERATIONS.has(property)) {
        return (...args: unknown[]) => {
          refuseInsideTransaction('A job queue query');
          return (value as (...x: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...x: unknown[]) => unknown).bind(target);
    },
  });
}
