import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { addMember, createApiKey, registerOwner, type Member } from '../helpers/users.ts';

let t: TestContext;
let owner: Member;
beforeAll(async () => {
  t = await createTestApp();
  owner = await registerOwner(t.app);
});
afterAll(() => t?.close());

const invite = (by: Member, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: by.headers, payload });

describe('invitations', () => {
  it('returns the link to the inviter; accepting creates the user and signs them in', async () => {
    const res = await invite(owner, { email: 'New.Writer@example.com', role: 'editor' });
    expect(res.statusCode).toBe(201);
    const invitation = res.json().data;
    expect(invitation.acceptUrl).toBe(`http://igny8.test/app/invitations/accept?token=${invitation.token}`);
    expect(invitation.email).toBe('new.writer@example.com');
    const stored = await t.db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored.tokenHash).not.toBe(invitation.token);

    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/preview',
      payload: { token: invitation.token },
    });
    expect(preview.json().data).toMatchObject({ role: 'editor', existingUser: false });

    const missingName = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: 'writer password 1' },
    });
    expect(missingName.statusCode).toBe(422);
    expect(missingName.json().details.fields[0].field).toBe('name');

    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: 'writer password 1', name: 'Writer' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().data.session).toMatchObject({ role: 'editor', account: { id: owner.accountId } });

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: 'writer password 1', name: 'Writer' },
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('INVITATION_INVALID');

    const members = await t.app.inject({ method: 'GET', url: '/api/v1/members', headers: owner.headers });
    expect(members.json().data.map((m: { email: string }) => m.email)).toContain('new.writer@example.com');
  });

  it('links an existing user, who proves it with their password, and adds the account to their list', async () => {
    const other = await registerOwner(t.app, 'Other');
    const invitation = (await invite(owner, { email: other.email, role: 'viewer' })).json().data;
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: 'not their password' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: other.password },
    });
    expect(ok.statusCode).toBe(200);
    const session = ok.json().data.session;
    expect(session.account.id).toBe(owner.accountId);
    expect(session.accounts.map((a: { id: string }) => a.id).sort()).toEqual([owner.accountId, other.accountId].sort());

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: other.email, password: other.password, accountId: owner.accountId },
    });
    expect(login.json().data.session.role).toBe('viewer');
  });

  it('refuses revoked invitations, and inviting an existing member', async () => {
    const invitation = (await invite(owner, { email: 'late@example.com', role: 'viewer' })).json().data;
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/invitations/${invitation.id}`,
      headers: owner.headers,
    });
    expect(revoke.statusCode).toBe(200);
    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitation.token, password: 'late password 1', name: 'Late' },
    });
    expect(accept.json().code).toBe('INVITATION_INVALID');
    const dup = await invite(owner, { email: owner.email, role: 'viewer' });
    expect(dup.json().code).toBe('ALREADY_MEMBER');
  });

  it('sends an invitation again with a new link and mail: the old link stops working', async () => {
    const first = (await invite(owner, { email: 'again@example.com', role: 'viewer' })).json().data;
    const resend = (by: Member, id = first.id) =>
      t.app.inject({ method: 'POST', url: `/api/v1/invitations/${id}/resend`, headers: by.headers });
    const res = await resend(owner);
    expect(res.statusCode, res.body).toBe(200);
    const second = res.json().data;
    expect(second).toMatchObject({ id: first.id, email: 'again@example.com', role: 'viewer' });
    expect(second.token).not.toBe(first.token);
    const preview = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/invitations/preview', payload: { token } });
    expect((await preview(first.token)).statusCode).toBe(410);
    expect((await preview(second.token)).statusCode).toBe(200);
    const mails = await t.db.prisma.mailOutbox.findMany({ where: { toAddress: 'again@example.com' } });
    expect(mails.map((m) => m.kind)).toEqual(['invitation', 'invitation']);

    const viewer = await addMember(t.app, owner, 'viewer');
    expect((await resend(viewer)).statusCode).toBe(403);
    await t.app.inject({ method: 'DELETE', url: `/api/v1/invitations/${first.id}`, headers: owner.headers });
    const revoked = await resend(owner);
    expect(revoked.statusCode).toBe(409);
    expect(revoked.json().error).toMatch(/already revoked: invite again@example.com again/);
  });

  it('only admins invite, and nobody can invite above their own role', async () => {
    const editor = await addMember(t.app, owner, 'editor');
    expect((await invite(editor, { email: 'x@example.com', role: 'viewer' })).statusCode).toBe(403);
    const admin = await addMember(t.app, owner, 'admin');
    expect((await invite(admin, { email: 'y@example.com', role: 'admin' })).statusCode).toBe(201);
    const ownerInvite = await invite(admin, { email: 'z@example.com', role: 'owner' });
    expect(ownerInvite.statusCode).toBe(422);
  });
});

describe('members', () => {
  it('changes roles, protects the last owner, and removing a member ends their access', async () => {
    const admin = await addMember(t.app, owner, 'admin');
    const editor = await addMember(t.app, owner, 'editor');
    const key = await createApiKey(t.app, editor, ['sites:read']);

    const demoteOwner = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${owner.userId}`,
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    expect(demoteOwner.statusCode).toBe(403);
    const selfDemote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${owner.userId}`,
      headers: owner.headers,
      payload: { role: 'admin' },
    });
    expect(selfDemote.statusCode).toBe(409);
    expect(selfDemote.json().code).toBe('LAST_OWNER');

    const promote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${editor.userId}`,
      headers: admin.headers,
      payload: { role: 'admin' },
    });
    expect(promote.json().data.role).toBe('admin');

    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/members/${editor.userId}`,
      headers: admin.headers,
    });
    expect(remove.statusCode).toBe(200);
    const token = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: editor.headers });
    expect(token.statusCode).toBe(401);
    const viaKey = await t.app.inject({
      method: 'GET',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaKey.statusCode).toBe(401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: editor.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });
});
