import type {
  TAuthResult,
  TLoginBody,
  TPageQuery,
  TRegisterBody,
  TSecurityEvent,
  TSession,
  TTokens,
} from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import type { AccessTokenClaims, AuthContext } from './credentials.ts';
import { billingData } from '../billing/data.ts';
import { authData } from './data.ts';
import type { LoginThrottleService } from './login-throttle.ts';

export interface AuthServiceDeps {
  prisma: PrismaClient;
  /** The per-account sign-in throttle (the per-IP limit is the route's). */
  throttle: LoginThrottleService;
  signAccessToken: (claims: AccessTokenClaims) => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Credits granted to every new account at sign-up (SIGNUP_CREDITS; 0 grants nothing). */
  signupCredits?: number;
}

/** The ledger note of the sign-up grant, as the account's transactions show it. */
export const SIGNUP_GRANT_NOTE = 'Trial credits for a new account';

const REFRESH_PREFIX = 'rt_';

export function createAuthService(deps: AuthServiceDeps) {
  const data = withTransactions(deps.prisma, authData);

  async function issueTokens(userId: string, accountId: string, familyId?: string): Promise<TTokens> {
    const refreshToken = REFRESH_PREFIX + randomToken(32);
    await data.createRefreshToken({
      userId,
      accountId,
      familyId: familyId ?? crypto.randomUUID(),
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + deps.refreshTokenTtlDays * 86_400_000),
    });
    return {
      accessToken: deps.signAccessToken({ sub: userId, acc: accountId }),
      expiresIn: deps.accessTokenTtlSeconds,
      refreshToken,
      tokenType: 'Bearer',
    };
  }

  async function session(auth: AuthContext): Promise<TSession> {
    // Sites never reach this (the auth plugin keeps them to site routes); a session describes people and API keys.
    if (auth.credential.kind === 'site') throw new AppError('FORBIDDEN', 'WordPress sites have no session.');
    const credential = auth.credential;
    const user = await data.findUserWithAccounts(auth.userId);
    const current = user.memberships.find((m) => m.accountId === auth.accountId);
    if (!current) throw new AppError('UNAUTHENTICATED', 'You are no longer a member of this account.');
    return {
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        isOperator: user.isOperator,
        createdAt: iso(user.createdAt),
      },
      account: {
        id: current.account.id,
        name: current.account.name,
        status: current.account.status,
        createdAt: iso(current.account.createdAt),
      },
      role: auth.role,
      credential,
      accounts: user.memberships.map((m) => ({ id: m.accountId, name: m.account.name, role: m.role })),
    };
  }

  /** Tokens and session for a user just proven to be a member (e.g. after accepting an invitation). */
  async function signIn(userId: string, accountId: string): Promise<TAuthResult> {
    const member = await data.findMembershipWithUser(accountId, userId);
    const tokens = await issueTokens(userId, accountId);
    return {
      tokens,
      session: await session({
        userId,
        accountId,
        role: member.role,
        isOperator: member.user.isOperator,
        credential: { kind: 'user' },
      }),
    };
  }

  return {
    session,
    signIn,

    async register(body: TRegisterBody): Promise<TAuthResult> {
      const passwordHash = await hashPassword(body.password);
      let ids: { userId: string; accountId: string };
      try {
        ids = await data.transaction(async (inTx, tx) => {
          const created = await inTx.createOwner(
            { email: body.email, name: body.name, passwordHash },
            body.accountName,
          );
          // In the same transaction: an account never exists without its trial credits (an append-only grant).
          if (deps.signupCredits) {
            await billingData(tx).createEntry({
              accountId: created.accountId,
              kind: 'grant',
              amount: deps.signupCredits,
              note: SIGNUP_GRANT_NOTE,
            });
          }
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error, 'email')) {
          throw new AppError('EMAIL_TAKEN', `An account already uses ${body.email}. Sign in instead.`, {
            field: 'email',
          });
        }
        throw error;
      }
      const tokens = await issueTokens(ids.userId, ids.accountId);
      return {
        tokens,
        session: await session({ ...ids, role: 'owner', isOperator: false, credential: { kind: 'user' } }),
      };
    },

    /**
     * Signs in with email and password. `ip` is the client's address (recorded with a sign-in pause). `notice` says
     * when sign-in for this email was paused since the last successful sign-in.
     */
    async login(body: TLoginBody, ip: string | null): Promise<{ result: TAuthResult; notice?: string }> {
      const user = await data.findUserByEmailWithMemberships(body.email);
      // Every email is throttled alike, registered or not, so the answers reveal nothing about which exist.
      const who = { userId: user?.id ?? null, ip };
      await deps.throttle.start(body.email, who);
      // Hash even when the user does not exist, so response time does not reveal registered emails.
      const valid = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !valid) {
        await deps.throttle.failed(body.email, who);
        throw new AppError('INVALID_CREDENTIALS', 'The email or password is wrong.');
      }
      const { pauses } = await deps.throttle.succeeded(body.email);
      const notice =
        pauses > 0
          ? `Sign-in for your email was paused ${pauses === 1 ? 'once' : `${pauses} times`} since you last signed in, ` +
            'after failed attempts: see GET /api/v1/auth/security-events. If they were not yours, change your password.'
          : undefined;
      const membership = body.accountId
        ? user.memberships.find((m) => m.accountId === body.accountId)
        : user.memberships[0];
      if (!membership) {
        throw new AppError(
          body.accountId ? 'NOT_FOUND' : 'FORBIDDEN',
          body.accountId ? `Account ${body.accountId} was not found.` : 'This user is not a member of any account.',
        );
      }
      await data.touchLastLogin(user.id);
      const tokens = await issueTokens(user.id, membership.accountId);
      const result = {
        tokens,
        session: await session({
          userId: user.id,
          accountId: membership.accountId,
          role: membership.role,
          isOperator: user.isOperator,
          credential: { kind: 'user' as const },
        }),
      };
      return notice ? { result, notice } : { result };
    },

    /** The signed-in user's security events, newest first. */
    async securityEvents(auth: AuthContext, query: TPageQuery) {
      const rows = await data.listSecurityEvents(auth.userId, query.cursor, query.limit + 1);
      const page = pageFrom(rows, query.limit);
      return {
        items: page.rows.map((e) => ({
          id: e.id,
          kind: e.kind as TSecurityEvent['kind'],
          ip: e.ip,
          details: e.details as TSecurityEvent['details'],
          createdAt: iso(e.createdAt),
        })),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * Rotates a refresh token. Each token works once; presenting one that was already rotated means it leaked
     * (or a client replayed it), so the whole family is revoked and everyone holding it must sign in again.
     */
    async refresh(presented: string): Promise<TTokens> {
      const invalid = new AppError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid. Sign in again.');
      const token = await data.findRefreshToken(sha256(presented));
      if (!token || token.revokedAt || token.expiresAt.getTime() <= Date.now()) throw invalid;
      const revokeFamily = () => data.revokeTokenFamily(token.familyId);
      const reused = new AppError(
        'REFRESH_TOKEN_REUSED',
        'This refresh token was already used, so every session from the same sign-in was ended. Sign in again.',
      );
      if (token.rotatedAt) {
        await revokeFamily();
        throw reused;
      }
      // Only one of two concurrent refreshes with the same token can win this update.
      const count = await data.rotateRefreshToken(token.id);
      if (count === 0) {
        await revokeFamily();
        throw reused;
      }
      const member = await data.findMembership(token.accountId, token.userId);
      if (!member) {
        await revokeFamily();
        throw new AppError('UNAUTHENTICATED', 'You are no longer a member of this account.');
      }
      return issueTokens(token.userId, token.accountId, token.familyId);
    },

    /**
     * Moves a signed-in person to another account they belong to: tokens for that account, like a sign-in. The
     * sign-in the presented refresh token belongs to ends, so the previous account's session cannot be refreshed.
     * Another account's id answers 404, as every account-scoped id does.
     */
    async switchAccount(auth: AuthContext, accountId: string, presented?: string): Promise<TAuthResult> {
      if (auth.credential.kind !== 'user') {
        throw new AppError('FORBIDDEN', 'An API key belongs to one account: sign in as a person to switch accounts.');
      }
      const member = await data.findMembership(accountId, auth.userId);
      if (!member) throw new AppError('NOT_FOUND', `Account ${accountId} was not found.`, { field: 'accountId' });
      if (presented) {
        const token = await data.findRefreshToken(sha256(presented));
        if (token && token.userId === auth.userId) await data.revokeTokenFamily(token.familyId);
      }
      return signIn(auth.userId, accountId);
    },

    /** Ends the sign-in the refresh token belongs to (every token rotated from it). */
    async logout(presented: string): Promise<void> {
      const token = await data.findRefreshToken(sha256(presented));
      if (!token) throw new AppError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid.');
      await data.revokeTokenFamily(token.familyId);
    },

    /** Ends every sign-in of the user (every refresh token family, in every account); answers how many were live. */
    logoutEverywhere(auth: AuthContext): Promise<number> {
      return data.revokeUserRefreshTokens(auth.userId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
