/**
 * The mail the platform sends, as data. Transports (`workers/mail/`) deliver a `MailMessage`;
 * building one needs nothing but the facts, so the wording lives in one place and is testable.
 */
export const MAIL_KINDS = ["email_verification", "signup_known_address", "invitation"] as const;
type MailKind = (typeof MAIL_KINDS)[number];

export type MailMessage = { to: string; kind: MailKind; subject: string; text: string; link: string };

/** Delivers one message; throws when it could not be handed to the transport. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** First mail to a new account's address: following the link proves the address. */
export function verificationMail(to: string, link: string, workspace: string): MailMessage {
  return {
    to,
    kind: "email_verification",
    subject: "Confirm your email address for Skylark",
    text: `Someone (we hope you) signed up for Skylark with this address and created the workspace "${workspace}".\n\nConfirm the address: ${link}\n\nUntil it is confirmed the account can use only the workspaces it created, and cannot join other tenants. If this was not you, ignore this mail: the link expires in 24 hours.`,
    link,
  };
}

/**
 * Sent when someone signs up with an address that already has a verified account, without its
 * password. Signup answers the same either way; the difference is only told to the address.
 */
export function knownAddressMail(to: string, link: string, workspace: string): MailMessage {
  return {
    to,
    kind: "signup_known_address",
    subject: "A new Skylark workspace was created with your address",
    text: `Someone signed up for Skylark with this address, which already has an account, and created the workspace "${workspace}" without your password.\n\nIf it was you, confirm to add the workspace to your existing account: ${link}\n\nIf it was not you, ignore this mail: nothing of your account is shared with that signup.`,
    link,
  };
}

export function invitationMail(to: string, link: string, tenantName: string, role: string): MailMessage {
  return {
    to,
    kind: "invitation",
    subject: `You are invited to ${tenantName} on Skylark`,
    text: `You are invited to join "${tenantName}" on Skylark as ${role}.\n\nAccept the invitation: ${link}\n\nIf you already have a Skylark account with this address, you will be asked to log in to it. The invitation expires in 7 days.`,
    link,
  };
}
