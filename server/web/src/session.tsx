import type { TAuthResult, TRole, TSession } from '@igny8/shared';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { get, onSessionEnded, post, refreshSession, SESSION_HEADER, setAccessToken } from './api/client';

type Status = 'loading' | 'signed-in' | 'signed-out';

interface SessionValue {
  status: Status;
  session: TSession | null;
  /** After sign-in, sign-up or an account switch: keeps the access token in memory and the session for the screens. */
  establish: (result: TAuthResult) => void;
  reload: () => Promise<void>;
  signOut: (everywhere?: boolean) => Promise<void>;
  switchAccount: (accountId: string) => Promise<void>;
  /** Whether the signed-in member's role may do what a screen offers (the server checks again). */
  can: (needed: 'write' | 'admin' | 'owner') => boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

const RANK: Record<TRole, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
const NEEDED = { write: 1, admin: 2, owner: 3 } as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [session, setSession] = useState<TSession | null>(null);
  const queryClient = useQueryClient();

  const ended = useCallback(() => {
    setAccessToken(null);
    setSession(null);
    setStatus('signed-out');
    queryClient.clear();
  }, [queryClient]);

  const reload = useCallback(async () => {
    const me = await get<TSession>('/auth/me');
    setSession(me);
    setStatus('signed-in');
  }, []);

  useEffect(() => {
    onSessionEnded(ended);
    let cancelled = false;
    void (async () => {
      // A page load: the refresh cookie (if any) gives a new access token.
      if (!(await refreshSession())) {
        if (!cancelled) setStatus('signed-out');
        return;
      }
      try {
        await reload();
      } catch {
        if (!cancelled) ended();
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [ended, reload]);

  const establish = useCallback(
    (result: TAuthResult) => {
      setAccessToken(result.tokens.accessToken);
      queryClient.clear();
      setSession(result.session);
      setStatus('signed-in');
    },
    [queryClient],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      try {
        if (everywhere) await post('/auth/logout-everywhere', {});
        else await post('/auth/logout', {}, SESSION_HEADER);
      } finally {
        ended();
      }
    },
    [ended],
  );

  const switchAccount = useCallback(
    async (accountId: string) => {
      establish(await post<TAuthResult>('/auth/switch-account', { accountId }, SESSION_HEADER));
    },
    [establish],
  );

  const can = useCallback(
    (needed: 'write' | 'admin' | 'owner') => (session ? RANK[session.role] >= NEEDED[needed] : false),
    [session],
  );

  const value = useMemo(
    () => ({ status, session, establish, reload, signOut, switchAccount, can }),
    [status, session, establish, reload, signOut, switchAccount, can],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
