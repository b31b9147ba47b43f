// Use cases: ask for a verification mail or a password-reset mail (anyone, by address). The
// answer is the same whether or not the address has an account, and so is the work up to the
// last write: a look-up and a throttle claim for every address; the token and its mail only for
// an account that may receive it.
import type { RequestMeta } from '../audit/event';
import type { MailDependencies } from './dependencies';
import { mayReceiveMail, tokenMail, tokenMailedEvent } from './issue';
import { epochSeconds, type TokenPurpose } from './mail';
import { claimMail } from './mail-caps';

const requestMail = async (
  deps: MailDependencies,
  email: string,
  purpose: TokenPurpose,
  meta: RequestMeta,
): Promise<void> => {
  const user = await deps.repository.getByEmail(email);
  // The address's slot and daily cap, claimed for every address, with an account or not.
  const claimed = await claimMail(deps, { kind: purpose, to: email });
  const eligible =
    claimed &&
    user !== undefined &&
    mayReceiveMail(user) &&
    !(purpose === 'verify-email' && user.emailVerified);
  if (!eligible) {
    await deps.mail.issueNothing(purpose, deps.mailTokens.issue().hash, epochSeconds(deps.clock()));
    return;
  }
  const { token, mail } = tokenMail(deps, user, purpose);
  // Anonymous: whoever asked is not known to be the user.
  await deps.mail.issueToken(token, mail, [tokenMailedEvent({ ...deps, meta }, user, purpose, null)]);
};

export const requestVerification = (deps: MailDependencies, email: string, meta: RequestMeta) =>
  requestMail(deps, email, 'verify-email', meta);

export const requestPasswordReset = (deps: MailDependencies, email: string, meta: RequestMeta) =>
  requestMail(deps, email, 'reset-password', meta);
