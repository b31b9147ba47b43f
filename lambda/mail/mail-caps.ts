// The limits on mail that keep the service from being aimed at a stranger's inbox: one mail of
// each kind per address per MAIL_THROTTLE_SECONDS, MAIL_DAILY_CAP mails a UTC day per address
// whatever causes them, and EMAIL_CHANGES_PER_DAY mailed email changes per account a day. Each is
// claimed with one conditional write before the mail is queued (never read, then written), for an
// address whether or not it has an account; a mail past a cap is silently not sent.
import type { StoredUser } from '../users/user';
import type { MailDependencies } from './dependencies';
import { epochSeconds, MAIL_THROTTLE_SECONDS, type OutboxMail } from './mail';

export const MAIL_DAILY_CAP = 10;
export const EMAIL_CHANGES_PER_DAY = 5;

type Deps = Pick<MailDependencies, 'mail' | 'clock'>;

/** Takes the address's slot for this kind of mail, then one of its mails of the day: true when it may go. */
export const claimMail = async (deps: Deps, mail: Pick<OutboxMail, 'kind' | 'to'>): Promise<boolean> => {
  const now = epochSeconds(deps.clock());
  if (!(await deps.mail.claimMailSlot(mail.kind, mail.to, now, MAIL_THROTTLE_SECONDS))) return false;
  return deps.mail.claimDailyCount({ scope: 'mail-to', subject: mail.to }, now, MAIL_DAILY_CAP);
};

/** The mails of `mails` whose claims succeed, in order; the others are dropped. */
export const claimedMails = async <M extends OutboxMail>(deps: Deps, mails: readonly M[]): Promise<M[]> => {
  const claimed: M[] = [];
  for (const mail of mails) if (await claimMail(deps, mail)) claimed.push(mail);
  return claimed;
};

/** One of the account's mailed email changes of the day: false past EMAIL_CHANGES_PER_DAY. */
export const claimEmailChange = (deps: Deps, userId: string): Promise<boolean> =>
  deps.mail.claimDailyCount(
    { scope: 'email-change', subject: userId },
    epochSeconds(deps.clock()),
    EMAIL_CHANGES_PER_DAY,
  );

/** The longest name a mail shows. */
export const MAIL_NAME_MAX_CHARACTERS = 100;

/**
 * The name a mail to `user` may greet them with: none for an address not yet proven to be theirs
 * (a stranger could be made to read text the sign-up chose), else the name as the templates show it.
 */
export const greetingName = (user: Pick<StoredUser, 'name' | 'emailVerified'>): string =>
  user.emailVerified ? user.name : '';
