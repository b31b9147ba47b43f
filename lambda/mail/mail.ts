// Mail as the domain knows it: what is to be sent, to whom, with which token, recorded in the
// outbox by the same transaction as the change that causes it. The mailer renders and sends it.

export const MAIL_KINDS = [
  'verify-email',
  'reset-password',
  'email-changed',
  'password-changed',
  'mfa-enabled',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface OutboxMail {
  readonly kind: MailKind;
  readonly to: string;
  /** The recipient's name, for the greeting. */
  readonly name: string;
  /** The raw mailed token (verify-email, reset-password): lives only in the outbox item until sent. */
  readonly token?: string;
}

export type TokenPurpose = 'verify-email' | 'reset-password';

/** A mailed token as stored: by its keyed hash only. */
export interface MailToken {
  readonly hash: string;
  readonly purpose: TokenPurpose;
  readonly userId: string;
  /** The address it was mailed to: a verification proves only that address. */
  readonly email: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export const TOKEN_LIFETIME_SECONDS: Readonly<Record<TokenPurpose, number>> = {
  'verify-email': 24 * 3600,
  'reset-password': 3600,
};

/** At most one mail of each kind per address in this window. */
export const MAIL_THROTTLE_SECONDS = 60;

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
