// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; each attempt is claimed in the back-off (login-throttle.ts) before the
// password is compared, a failure keeps its claim, a success gives it back and clears this
// client's failures. A disabled account's status is told only to whoever has its password. Every outcome
// is an event. A user with a second factor gets a challenge instead of a session, and the
// failures stay counted until the second factor passes. A success opens a session
// (complete-login.ts): its item is written in the same transaction as last_login and
// login.succeeded.

import { auditEvent, type RequestMeta } from '../audit/event';
import type { MfaRepository } from '../mfa/repository';
import { AccountDisabledError, InvalidCredentialsError } from '../shared/errors';
import { attemptFailed, claimAttempt, giveBackAttempt, passwordMatches } from '../users/credentials';
import { hashDeviceToken, knownDeviceOf } from '../users/known-devices';
import { completeLogin, type LoginResult } from './complete-login';
import type { AccountDependencies } from './dependencies';
import { type SecondFactorRequired, startSecondFactor } from './login-mfa';

export type { LoginResult } from './complete-login';

export const login = async (
  deps: Pick<
    AccountDependencies,
    'repository' | 'attempts' | 'devices' | 'audit' | 'passwords' | 'tokens' | 'clock' | 'newId'
  > &
    Pick<AccountDependencies, 'refreshTokens' | 'sessionTtlSeconds'> & {
      readonly mfa: MfaRepository;
    },
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  /** Where the request came from: its events, and the session's User-Agent. */
  meta: RequestMeta,
  /** A device token of an earlier login, if the client kept one (known-devices.ts). */
  deviceToken?: string,
): Promise<LoginResult | SecondFactorRequired> => {
  const now = deps.clock();
  const [user, device] = await Promise.all([
    deps.repository.getByEmail(email),
    deviceToken === undefined ? undefined : deps.devices.find(hashDeviceToken(deviceToken)),
  ]);
  // A device this account signed in from before counts in its own back-off only.
  const known = knownDeviceOf(device, user, now);
  // The attempt is claimed before the password is compared: a locked client learns nothing, not
  // even whether this guess was right, and a burst gets no more guesses checked than a sequence.
  const claim = await claimAttempt(deps, email, { ip: client, device: known }, now);

  if (!(await passwordMatches(deps, user, password)) || !user) {
    const attempt = {
      email,
      client,
      userId: user?.id ?? null,
      reason: user ? 'wrong_password' : 'unknown_email',
      meta,
    } as const;
    throw await attemptFailed(deps, attempt, claim, now, new InvalidCredentialsError());
  }
  // The right password: not a failure. A challenge keeps this client's failures counted until
  // the second factor passes; a login forgets them.
  await giveBackAttempt(deps, claim, { clearClient: user.status !== 'disabled' && !user.mfaEnabled });
  if (user.status === 'disabled') {
    await deps.audit.record([
      auditEvent(
        { ...deps, meta },
        {
          type: 'login.failed',
          userId: user.id,
          actorId: null,
          outcome: 'failure',
          details: { reason: 'account_disabled' },
        },
      ),
    ]);
    throw new AccountDisabledError();
  }
  if (user.mfaEnabled) return startSecondFactor(deps, user, now, known);
  return completeLogin(deps, user, {
    amr: ['pwd'],
    meta,
    at: now,
    deviceToken: known === undefined ? undefined : deviceToken,
  });
};
