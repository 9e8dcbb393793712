/** The words of every mail the server sends: plain text, one link each, and what to do when it was not you. */

export interface MailContent {
  subject: string;
  text: string;
}

const SIGNATURE = '\n\n-- \nIGNY8';

export function passwordResetMail(p: { name: string; link: string; ttlMinutes: number }): MailContent {
  return {
    subject: 'Reset your IGNY8 password',
    text:
      `Hello ${p.name},\n\n` +
      `Someone (we hope you) asked to reset the password of your IGNY8 user. Choose a new password here:\n\n` +
      `${p.link}\n\n` +
      `The link works once, for ${p.ttlMinutes} minutes. Setting a new password signs you out everywhere.\n` +
      `If you did not ask for this, ignore this mail: your password stays as it is.` +
      SIGNATURE,
  };
}

export function emailChangeConfirmMail(p: {
  name: string;
  newEmail: string;
  link: string;
  ttlHours: number;
}): MailContent {
  return {
    subject: 'Confirm your new IGNY8 email address',
    text:
      `Hello ${p.name},\n\n` +
      `Confirm that ${p.newEmail} is the new email address of your IGNY8 user:\n\n` +
      `${p.link}\n\n` +
      `The link works once, for ${p.ttlHours} hours. Until you open it, you keep signing in with your current address.\n` +
      `If you did not ask for this, ignore this mail.` +
      SIGNATURE,
  };
}

export function emailChangeNoticeMail(p: { name: string; newEmail: string }): MailContent {
  return {
    subject: 'Your IGNY8 email address is about to change',
    text:
      `Hello ${p.name},\n\n` +
      `Someone signed in as you asked to change the email address of your IGNY8 user to ${p.newEmail}. ` +
      `It changes once the link sent to that address is opened.\n\n` +
      `If this was not you, change your password now (Forgot password on the sign-in page) and sign out everywhere.` +
      SIGNATURE,
  };
}

export function invitationMail(p: {
  accountName: string;
  inviterName: string;
  role: string;
  link: string;
  expiresAt: Date;
}): MailContent {
  return {
    subject: `${p.inviterName} invited you to ${p.accountName} on IGNY8`,
    text:
      `Hello,\n\n` +
      `${p.inviterName} invited you to join ${p.accountName} on IGNY8 as ${p.role}. Accept the invitation here:\n\n` +
      `${p.link}\n\n` +
      `The link works once, until ${p.expiresAt.toUTCString()}. If you did not expect it, ignore this mail.` +
      SIGNATURE,
  };
}
