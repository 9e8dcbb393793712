import { AppError } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { LoginThrottle, PrismaClient } from '../../generated/prisma/client.ts';
import { sha256 } from '../../lib/secrets.ts';
import { authData, type AuthData } from './data.ts';

/**
 * The per-account sign-in throttle, beside the per-IP rate limit: attempts spread over many addresses still count
 * against the email they try. After `maxFailures` failed attempts in a row, sign-in for that email pauses for
 * `pauseSeconds`; each further pause (without a success in between) lasts twice as long, up to 16 times the first.
 * Nothing locks for good: every pause ends, failures are forgotten after 15 quiet minutes and the pause length after a
 * quiet day, and a successful sign-in clears everything. Each pause is recorded as a security event of the user
 * with that email (when there is one), which the user lists with GET /api/v1/auth/security-events.
 *
 * State is in PostgreSQL, so every API instance enforces the same count. Each step runs in a transaction that locks
 * the email's row, so attempts sent in parallel are counted one after another: an attempt counts as a failure from
 * the moment it starts until it succeeds, and attempts beyond the allowance are refused before the password is
 * checked.
 */

export interface ThrottlePolicy {
  maxFailures: number;
  pauseSeconds: number;
}

/** Failures are forgotten after this long without an attempt; the pause length after FORGET_PAUSES_MS. */
const FORGET_FAILURES_MS = 15 * 60_000;
const FORGET_PAUSES_MS = 24 * 60 * 60_000;
/** The longest pause is 2^4 = 16 times the first. */
const MAX_DOUBLINGS = 4;

type ThrottleState = Pick<LoginThrottle, 'failures' | 'pauses' | 'pausedUntil' | 'updatedAt'>;

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The state after forgetting what is old enough to forget. */
function fresh(state: ThrottleState, now: Date): ThrottleState {
  const quiet = now.getTime() - state.updatedAt.getTime();
  const paused = state.pausedUntil !== null && state.pausedUntil > now;
  if (paused) return state;
  return {
    ...state,
    failures: quiet > FORGET_FAILURES_MS ? 0 : state.failures,
    pauses: quiet > FORGET_PAUSES_MS ? 0 : state.pauses,
  };
}

/** A pause starting now: twice as long as the one before it. */
function pause(state: ThrottleState, now: Date, policy: ThrottlePolicy): ThrottleState {
  const seconds = policy.pauseSeconds * 2 ** Math.min(state.pauses, MAX_DOUBLINGS);
  return {
    failures: 0,
    pauses: state.pauses + 1,
    pausedUntil: new Date(now.getTime() + seconds * 1000),
    updatedAt: now,
  };
}

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Before the password is checked: refuse while paused; count this attempt, pausing when it is one too many. */
export function startAttempt(
  state: ThrottleState,
  now: Date,
  policy: ThrottlePolicy,
): { state: ThrottleState; attempt: Attempt; pausedNow: boolean } {
  const current = fresh(state, now);
  if (current.pausedUntil && current.pausedUntil > now) {
    return {
      state: current,
      attempt: { allowed: false, retryAfterSeconds: secondsUntil(current.pausedUntil, now) },
      pausedNow: false,
    };
  }
  // Only attempts sent in parallel get here with the allowance used up: earlier ones are still being checked.
  if (current.failures >= policy.maxFailures) {
    const paused = pause(current, now, policy);
    return {
      state: paused,
      attempt: { allowed: false, retryAfterSeconds: secondsUntil(paused.pausedUntil!, now) },
      pausedNow: true,
    };
  }
  return {
    state: { ...current, failures: current.failures + 1, updatedAt: now },
    attempt: { allowed: true },
    pausedNow: false,
  };
}

/** After a wrong password: the attempt already counted; the last allowed one starts a pause. */
export function failedAttempt(
  state: ThrottleState,
  now: Date,
  policy: ThrottlePolicy,
): { state: ThrottleState; pausedNow: boolean } {
  const pausedAlready = state.pausedUntil !== null && state.pausedUntil > now;
  if (pausedAlready || state.failures < policy.maxFailures) return { state, pausedNow: false };
  return { state: pause(state, now, policy), pausedNow: true };
}

export function pausedError(retryAfterSeconds: number, policy: ThrottlePolicy): AppError {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const longest = Math.max(1, Math.round((policy.pauseSeconds * 2 ** MAX_DOUBLINGS) / 60));
  return new AppError(
    'LOGIN_LOCKED',
    `Too many failed sign-ins for this email: sign-in is paused for ${plural(retryAfterSeconds, 'second')}. ` +
      `Each further pause lasts longer, ${plural(longest, 'minute')} at most, and a successful sign-in ends them. ` +
      'If these attempts were not yours, they are listed in your security events ' +
      '(GET /api/v1/auth/security-events) once you sign in.',
    { retryAfterSeconds },
  );
}

/** Whose email was tried (when it belongs to a user) and from where. */
type Who = { userId: string | null; ip: string | null };

export function createLoginThrottle(deps: { prisma: PrismaClient; policy: ThrottlePolicy }) {
  const { policy } = deps;
  const data = withTransactions(deps.prisma, authData);

  /** Runs `step` on the email's row, locked for the transaction (created when missing). */
  function withRow<T>(email: string, step: (row: LoginThrottle, tx: AuthData) => Promise<T>) {
    const emailHash = sha256(email);
    return data.transaction(async (tx) => step(await tx.lockThrottle(emailHash), tx));
  }

  async function save(tx: AuthData, row: LoginThrottle, state: ThrottleState) {
    await tx.saveThrottle(row.emailHash, state);
  }

  async function recordPause(tx: AuthData, who: Who, state: ThrottleState, failures: number) {
    if (!who.userId) return;
    await tx.createSecurityEvent({
      userId: who.userId,
      kind: 'sign_in_paused',
      ip: who.ip,
      details: { failures, pausedUntil: state.pausedUntil!.toISOString() },
    });
  }

  return {
    /** Before checking the password: throws LOGIN_LOCKED (429, retry-after) while sign-in for `email` is paused. */
    async start(email: string, who: Who): Promise<void> {
      const attempt = await withRow(email, async (row, tx) => {
        const next = startAttempt(row, new Date(), policy);
        await save(tx, row, next.state);
        if (next.pausedNow) await recordPause(tx, who, next.state, policy.maxFailures);
        return next.attempt;
      });
      if (!attempt.allowed) throw pausedError(attempt.retryAfterSeconds, policy);
    },

    /** After a wrong password (or an unknown email). */
    async failed(email: string, who: Who): Promise<void> {
      await withRow(email, async (row, tx) => {
        const next = failedAttempt(row, new Date(), policy);
        if (!next.pausedNow) return;
        await save(tx, row, next.state);
        await recordPause(tx, who, next.state, row.failures);
      });
    },

    /** After the right password: forgets the email's failures and pauses; says how many pauses there were. */
    async succeeded(email: string): Promise<{ pauses: number }> {
      return { pauses: await data.clearThrottle(sha256(email)) };
    },
  };
}

export type LoginThrottleService = ReturnType<typeof createLoginThrottle>;
