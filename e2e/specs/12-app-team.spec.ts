import { expect, test, type Browser, type Page } from '@playwright/test';
import { appUrl, checkAppPage, fillSignUp, newAppUser, signInToApp } from '../support/app.ts';
import { linkIn, mailTo } from '../support/mail-sink.ts';
import { rememberSecret } from '../support/secrets.ts';
import { api, loginAccount, registerAccount } from '../support/server-api.ts';

/**
 * Team and keys in the web app, with mail through the real SMTP sink: an owner invites a member who accepts in the
 * app and sees only that account; roles (a viewer cannot write, in the UI or the API); API keys shown once, used
 * and revoked; connection keys; password reset, email change and sign-out everywhere. One serial journey.
 */
test.describe.configure({ mode: 'serial' });
// Each step waits for mail and signs in more than once.
test.setTimeout(120_000);

const owner = newAppUser('Team Owner');
const invitee = newAppUser('Team Member');
let sideAccountName = '';

/** A fresh browser (its own cookies): another person, or the same person on another device. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** Signs in through the app and waits for the Sites screen (the session cookie is set by then). */
async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
}

/** What POST /invitations/preview answers for the token in an invitation link. */
const preview = (link: string) =>
  api('POST', '/invitations/preview', { token: new URL(link).searchParams.get('token') });

/** The link of an invitation mail to `address` other than `previous`, once it arrives. */
async function newLinkTo(address: string, previous: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const link = linkIn(await mailTo(address, /invited you to/), 'invitations/accept');
    if (link !== previous) return link;
    if (Date.now() > deadline) throw new Error(`no second invitation mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The page's own content (notices are also spoken through a live region outside it). */
const main = (page: Page) => page.locator('#igny8-main');
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('the owner signs up, joins another agency by its mail, switches accounts, invites a member, resends and revokes another', async ({
  page,
}, testInfo) => {
  await page.goto(appUrl('/sign-up'));
  await fillSignUp(page, owner);
  await expect(page).toHaveURL(/\/app\/sites$/);

  // Another agency invites the owner (an existing user): the mail's link, their password, and they are in.
  const side = await registerAccount('Side Project');
  sideAccountName = side.accountName;
  const invitation = await api('POST', '/invitations', { email: owner.email, role: 'editor' }, side.token);
  expect(invitation.status).toBe(201);
  const sideMail = await mailTo(owner.email, new RegExp(`invited you to ${sideAccountName}`));
  await page.goto(linkIn(sideMail, 'invitations/accept'));
  await expect(page.getByRole('heading', { name: `Join ${sideAccountName} on IGNY8` })).toBeVisible();
  await expect(main(page).getByText('You already have an IGNY8 user')).toBeVisible();
  await checkAppPage(page, testInfo, 'invitation-accept-existing-user');
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in and accept' }).click();
  await expect(page).toHaveURL(/\/app\/sites$/);
  const switcher = page.getByRole('combobox', { name: 'Account' });
  await expect(switcher.locator('option:checked')).toHaveText(sideAccountName);

  // The account switcher moves between the two; a reload stays in the account switched to (the cookie was rotated).
  await switcher.selectOption({ label: owner.accountName });
  await expect(switcher.locator('option:checked')).toHaveText(owner.accountName);
  await nav(page, 'Your account').click();
  await expect(main(page).getByText(`owner of ${owner.accountName}`)).toBeVisible();
  await page.reload();
  await expect(main(page).getByText(`owner of ${owner.accountName}`)).toBeVisible();
  await switcher.selectOption({ label: sideAccountName });
  await expect(switcher.locator('option:checked')).toHaveText(sideAccountName);
  await nav(page, 'Your account').click();
  await expect(main(page).getByText(`editor of ${sideAccountName}`)).toBeVisible();
  await switcher.selectOption({ label: owner.accountName });
  await expect(switcher.locator('option:checked')).toHaveText(owner.accountName);

  await nav(page, 'Team').click();
  await expect(page.getByRole('heading', { name: 'Team', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No invitations yet' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(invitee.email);
  await form.getByLabel('Role').selectOption('editor');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(main(page).getByText(`An invitation is on its way to ${invitee.email}`)).toBeVisible();
  const invitations = page.getByRole('region', { name: 'Invitations' });
  await expect(invitations.getByRole('row', { name: new RegExp(invitee.email) })).toContainText(
    'Waiting for an answer',
  );
  await checkAppPage(page, testInfo, 'team');

  // Another invitation, sent again (a new link; the old one stops working), then revoked.
  const later = `later.${Date.now()}@example.com`;
  await form.getByLabel('Email').fill(later);
  await form.getByRole('button', { name: 'Send invitation' }).click();
  const first = linkIn(await mailTo(later, /invited you to/), 'invitations/accept');
  const laterRow = invitations.getByRole('row', { name: new RegExp(later) });
  await laterRow.getByRole('button', { name: 'Send again' }).click();
  const again = page.getByRole('dialog', { name: 'Send the invitation again?' });
  await again.getByRole('button', { name: 'Send a new link' }).click();
  await expect(again).toBeHidden();
  const second = await newLinkTo(later, first);
  expect((await preview(first)).status).toBe(410);
  expect((await preview(second)).status).toBe(200);
  await expect(laterRow).toHaveCount(1);
  await expect(laterRow).toContainText('Waiting for an answer');
  await laterRow.getByRole('button', { name: 'Revoke' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke the invitation?' });
  await expect(revoke).toContainText(later);
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  // While a dialog is open the page behind it is hidden from the accessibility tree: wait for it to close.
  await expect(revoke).toBeHidden();
  await expect(laterRow).toHaveCount(0);
  expect((await preview(second)).status).toBe(410);
});

test('the invitee gets the mail, opens the link, signs up, and sees only that account', async ({
  browser,
}, testInfo) => {
  const mail = await mailTo(invitee.email, /invited you to/);
  expect(mail.subject).toContain(owner.accountName);
  const page = await freshPage(browser);
  await page.goto(linkIn(mail, 'invitations/accept'));
  await expect(page.getByRole('heading', { name: `Join ${owner.accountName} on IGNY8` })).toBeVisible();
  await expect(main(page).getByText(`This invitation is for ${invitee.email}`)).toBeVisible();
  await checkAppPage(page, testInfo, 'invitation-accept');
  await page.getByLabel('Your name').fill(invitee.name);
  await page.getByLabel('Choose a password').fill(invitee.password);
  await page.getByRole('button', { name: 'Create my user and accept' }).click();

  await expect(page).toHaveURL(/\/app\/sites$/);
  await expect(page.locator('.igny8-topbar__name')).toHaveText(owner.accountName);
  await expect(page.getByRole('combobox', { name: 'Account' })).toHaveCount(0);
  await expect(page.getByText(sideAccountName)).toHaveCount(0);
  const me = await loginAccount(invitee.email, invitee.password);
  const session = await api('GET', '/auth/me', undefined, me.token);
  expect(session.data.accounts.map((a: { name: string }) => a.name)).toEqual([owner.accountName]);

  // The link works once.
  await page.goto(linkIn(mail, 'invitations/accept'));
  await expect(main(page).getByText(/no longer valid/)).toBeVisible();
  await page.context().close();
});

test('the owner makes the member a viewer: the viewer’s write actions are disabled and the API refuses them', async ({
  page,
  browser,
}, testInfo) => {
  await signIn(page, owner);
  await page.goto(appUrl('/team'));
  const row = page.getByRole('region', { name: 'Members' }).getByRole('row', { name: new RegExp(invitee.email) });
  await expect(row).toContainText('Editor');
  await row.getByRole('button', { name: 'Change role' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change role' });
  await dialog.getByLabel(`Role of ${invitee.name}`).selectOption('viewer');
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Viewer');

  const viewer = await freshPage(browser);
  await signIn(viewer, invitee);
  await viewer.goto(appUrl('/team'));
  await expect(main(viewer).getByText('You are viewer in this account')).toBeVisible();
  const form = viewer.getByRole('form', { name: 'Invite someone' });
  await expect(form.getByRole('button', { name: 'Send invitation' })).toBeDisabled();
  await expect(form.getByLabel('Email')).toBeDisabled();
  await expect(viewer.getByRole('button', { name: 'Change role' })).toHaveCount(0);
  await expect(viewer.getByRole('region', { name: 'Invitations' })).toHaveCount(0);
  await checkAppPage(viewer, testInfo, 'team-viewer');

  await viewer.goto(appUrl('/api-keys'));
  await expect(main(viewer).getByText('Only owners and admins can create connection keys')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Create connection key' })).toHaveCount(0);
  await viewer.getByRole('button', { name: 'Create API key' }).click();
  await expect(viewer.getByRole('checkbox', { name: 'Sites: read and write' })).toBeDisabled();
  await expect(viewer.getByRole('checkbox', { name: 'Sites: read', exact: true })).toBeEnabled();
  await checkAppPage(viewer, testInfo, 'api-keys-viewer');
  await viewer.context().close();

  const token = (await loginAccount(invitee.email, invitee.password)).token;
  const invite = await api('POST', '/invitations', { email: 'someone@example.com', role: 'viewer' }, token);
  expect(invite.status).toBe(403);
  expect(invite.body.code).toBe('ROLE_REQUIRED');
  const site = await api('POST', '/sites', { name: 'Viewer site', url: 'https://viewer.example.com' }, token);
  expect(site.status).toBe(403);
  const writeKey = await api('POST', '/api-keys', { name: 'sneaky', scopes: ['sites:write'] }, token);
  expect(writeKey.status).toBe(403);

  // Removed from the account, the member's credentials stop working at once.
  await row.getByRole('button', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove this member?' });
  await expect(remove).toContainText(invitee.name);
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(remove).toBeHidden();
  await expect(row).toHaveCount(0);
  expect((await api('GET', '/members', undefined, token)).status).toBe(401);
});

test('an API key is shown once, works against /api/v1, and is refused once revoked', async ({ page }, testInfo) => {
  await signIn(page, owner);
  await page.goto(appUrl('/api-keys'));
  await expect(page.getByRole('heading', { name: 'No API keys yet' })).toBeVisible();
  await checkAppPage(page, testInfo, 'api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API key' });
  await dialog.getByLabel('Name').fill('Reporting script');
  await dialog.getByRole('checkbox', { name: 'Sites: read', exact: true }).check();
  await checkAppPage(page, testInfo, 'api-keys-create');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByLabel('Your new API key');
  await expect(shown).toHaveValue(/^igny8_/);
  const key = await shown.inputValue();
  rememberSecret('api key', key);
  await expect(main(page).getByText('Copy this key now: it is not shown again.')).toBeVisible();
  await checkAppPage(page, testInfo, 'api-keys-shown-once');
  const row = page.getByRole('row', { name: /Reporting script/ });
  await expect(row).toContainText('Never');

  const sites = await api('GET', '/sites', undefined, key);
  expect(sites.status).toBe(200);
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.reload();
  await expect(row).toContainText('Sites: read');
  await expect(row).not.toContainText('Never');
  expect(await page.content()).not.toContain(key);

  await row.getByRole('button', { name: 'Revoke' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke the API key?' });
  await expect(confirm).toContainText('stops working at once');
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('row', { name: /Reporting script/ })).toHaveCount(0);

  const refused = await api('GET', '/sites', undefined, key);
  expect(refused.status).toBe(401);
});

test('connection keys for headless setups: created and shown once, listed, revoked', async ({ page }, testInfo) => {
  await signIn(page, owner);
  await page.goto(appUrl('/api-keys'));
  const section = page.getByRole('region', { name: 'Connection keys' });
  await expect(section.getByRole('heading', { name: 'No connection keys' })).toBeVisible();
  await section.getByRole('button', { name: 'Create connection key' }).click();
  const shown = section.getByLabel('Your new connection key');
  await expect(shown).not.toHaveValue('');
  rememberSecret('connection key', await shown.inputValue());
  const row = section.getByRole('row', { name: /Not used yet/ });
  await expect(row).toContainText(owner.name);
  await checkAppPage(page, testInfo, 'connection-keys');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: 'Revoke the connection key?' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(section.getByRole('row', { name: /Expired or revoked/ })).toBeVisible();
});

test('forgot password: the mail’s link sets a new password, which signs in', async ({ browser }, testInfo) => {
  const page = await freshPage(browser);
  await page.goto(appUrl('/sign-in'));
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await checkAppPage(page, testInfo, 'forgot-password');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByRole('button', { name: 'Mail me a link' }).click();
  await expect(main(page).getByText('a link to choose a new password is on its way')).toBeVisible();

  const mail = await mailTo(owner.email, /Reset your IGNY8 password/);
  await page.goto(linkIn(mail, 'reset-password'));
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await checkAppPage(page, testInfo, 'reset-password');
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret('new password', password);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('heading', { name: 'Password changed' })).toBeVisible();

  const old = await api('POST', '/auth/login', { email: owner.email, password: owner.password });
  expect(old.status).toBe(401);
  owner.password = password;
  await signIn(page, owner);
  await page.context().close();
});

test('email change: the confirm mail’s link makes the new email the one that signs in', async ({ page }, testInfo) => {
  await signIn(page, owner);
  await page.goto(appUrl('/account'));
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await checkAppPage(page, testInfo, 'account');
  const newEmail = `renamed.${Date.now()}@example.com`;
  const form = page.getByRole('form', { name: 'Email' });
  await form.getByLabel('New email').fill(newEmail);
  await form.getByLabel('Current password').fill(owner.password);
  await form.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(main(page).getByText(`Open the link we sent to ${newEmail}`)).toBeVisible();

  const mail = await mailTo(newEmail, /Confirm your new IGNY8 email/);
  await page.goto(linkIn(mail, 'confirm-email'));
  await expect(page.getByRole('heading', { name: 'Confirm your new email' })).toBeVisible();
  await checkAppPage(page, testInfo, 'confirm-email');
  await page.getByRole('button', { name: 'Confirm my new email' }).click();
  await expect(main(page).getByText(`Your email is now ${newEmail}`)).toBeVisible();

  owner.email = newEmail;
  await page.getByRole('link', { name: 'Back to your account' }).click();
  await expect(page.locator('.igny8-topbar')).toContainText(newEmail);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/app\/sign-in/);
  await signIn(page, owner);
});

test('sign out everywhere ends the session of another browser too', async ({ page, browser }) => {
  await signIn(page, owner);
  const other = await freshPage(browser);
  await signIn(other, owner);

  await page.goto(appUrl('/account'));
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' });
  await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/app\/sign-in/);

  // The other browser's access token lives on in its memory for minutes; a reload needs the ended sign-in.
  await other.reload();
  await expect(other).toHaveURL(/\/app\/sign-in/);
  await expect(other.getByRole('heading', { name: 'Sign in to IGNY8' })).toBeVisible();
  await other.context().close();
});
