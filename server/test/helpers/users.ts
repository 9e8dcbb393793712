import type { TAuthResult } from '@igny8/shared';
import type { App } from '../../src/app.ts';

let counter = 0;

export interface Member {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  userId: string;
  accountId: string;
  headers: { authorization: string };
}

function member(result: TAuthResult, email: string, password: string): Member {
  if (!result.tokens.refreshToken) throw new Error('no refresh token in the answer (cookie session?)');
  return {
    email,
    password,
    accessToken: result.tokens.accessToken,
    refreshToken: result.tokens.refreshToken,
    userId: result.session.user.id,
    accountId: result.session.account.id,
    headers: { authorization: `Bearer ${result.tokens.accessToken}` },
  };
}

/** Registers a new account with its owner and returns the owner's credentials. */
export async function registerOwner(app: App, name = 'Owner'): Promise<Member> {
  const email = `owner${++counter}.${Date.now()}@example.com`;
  const password = 'correct horse battery';
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password, name, accountName: `${name}'s agency` },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return member(res.json().data, email, password);
}

/** Invites a member with `role` into the owner's account and has them accept; returns their credentials. */
export async function addMember(app: App, owner: Member, role: 'admin' | 'editor' | 'viewer'): Promise<Member> {
  const email = `${role}${++counter}.${Date.now()}@example.com`;
  const password = 'another good password';
  const invite = await app.inject({
    method: 'POST',
    url: '/api/v1/invitations',
    headers: owner.headers,
    payload: { email, role },
  });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.statusCode} ${invite.body}`);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: { token: invite.json().data.token, password, name: `A ${role}` },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  return member(accepted.json().data, email, password);
}

export async function createApiKey(app: App, owner: Member, scopes: string[]): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: owner.headers,
    payload: { name: 'test key', scopes },
  });
  if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`);
  return res.json().data.key;
}
