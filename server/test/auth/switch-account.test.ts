import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createApiKey, registerOwner, type Member } from '../helpers/users.ts';

/** The account switcher: a person who belongs to several accounts moves between them. */

let t: TestContext;
let alice: Member;
let bob: Member;
let mallory: Member;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerOwner(t.app, 'Alice');
  bob = await registerOwner(t.app, 'Bob');
  mallory = await registerOwner(t.app, 'Mallory');
  // Bob invites Alice (an existing user) into his account as an editor.
  const invite = await t.app.inject({
    method: 'POST',
    url: '/api/v1/invitations',
    headers: bob.headers,
    payload: { email: alice.email, role: 'editor' },
  });
  const accepted = await t.app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: { token: invite.json().data.token, password: alice.password },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
});
afterAll(() => t?.close());

async function signIn(member: Member, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers,
    payload: { email: member.email, password: member.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

const switchTo = (accessToken: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/switch-account',
    headers: { authorization: `Bearer ${accessToken}`, ...headers },
    payload,
  });

describe('switching accounts', () => {
  it('answers tokens for the other account and ends the previous sign-in', async () => {
    const tokens = (await signIn(alice)).json().data.tokens;
    const res = await switchTo(tokens.accessToken, { accountId: bob.accountId, refreshToken: tokens.refreshToken });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json().data;
    expect(result.session).toMatchObject({ account: { id: bob.accountId }, role: 'editor' });
    expect(result.session.accounts).toHaveLength(2);

    const members = await t.app.inject({
      method: 'GET',
      url: '/api/v1/members',
      headers: { authorization: `Bearer ${result.tokens.accessToken}` },
    });
    expect(members.json().data.map((m: { email: string }) => m.email)).toContain(bob.email);

    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: result.tokens.refreshToken },
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
  });

  it('cannot switch to an account the user is not a member of (404, as for any other account)', async () => {
    const tokens = (await signIn(alice)).json().data.tokens;
    const res = await switchTo(tokens.accessToken, { accountId: mallory.accountId, refreshToken: tokens.refreshToken });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
    // The sign-in still works: nothing was ended.
    const still = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(still.statusCode).toBe(200);
  });

  it('in the browser session: rotates the cookie, and refuses another origin', async () => {
    const browser = { 'x-igny8-session': 'cookie', origin: 'http://igny8.test' };
    const login = await signIn(alice, browser);
    const cookie = [login.headers['set-cookie']].flat().find((c) => String(c).startsWith('igny8_refresh='))!;
    const value = String(cookie).split(';')[0]!;
    const accessToken = login.json().data.tokens.accessToken;

    const csrf = await switchTo(
      accessToken,
      { accountId: bob.accountId },
      { ...browser, origin: 'https://evil.example', cookie: value },
    );
    expect(csrf.statusCode).toBe(403);
    expect(csrf.json().code).toBe('CSRF_ORIGIN_REFUSED');

    const res = await switchTo(accessToken, { accountId: bob.accountId }, { ...browser, cookie: value });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.tokens.refreshToken).toBeUndefined();
    const next = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('igny8_refresh='))!;
    expect(String(next).split(';')[0]).not.toBe(value);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...browser, cookie: value },
    });
    expect(old.statusCode).toBe(401);
  });

  it('refuses API keys: a key belongs to one account', async () => {
    const key = await createApiKey(t.app, alice, ['sites:read']);
    const res = await switchTo(key, { accountId: bob.accountId });
    expect(res.statusCode).toBe(403);
  });
});
