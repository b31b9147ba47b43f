// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears this
// client's. A disabled account's status is told only to whoever has its password. Every outcome
// is an event. A user with a second factor gets a challenge instead of a session, and the
// failures stay counted until the second factor passes. A success opens a session
// (complete-login.ts): its item is written in the same transaction as last_login, this
// client's failures forgotten, and login.succeeded.

import { auditEvent, type RequestMeta } from '../audit/event';
import type { MfaRepository } from '../mfa/repository';
import { AccountDisabledError, InvalidCredentialsError } from '../shared/errors';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from '../users/credentials';
import { completeLogin, type LoginResult } from './complete-login';
import type { AccountDependencies } from './dependencies';
import { type SecondFactorRequired, startSecondFactor } from './login-mfa';

export type { LoginResult } from './complete-login';

export const login = async (
  deps: Pick<AccountDependencies, 'repository' | 'audit' | 'passwords' | 'tokens' | 'clock' | 'newId'> &
    Pick<AccountDependencies, 'refreshTokens' | 'sessionTtlSeconds'> & {
      readonly mfa: MfaRepository;
    },
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  /** Where the request came from: its events, and the session's User-Agent. */
  meta: RequestMeta,
): Promise<LoginResult | SecondFactorRequired> => {
  const now = deps.clock();
  const [failures, user] = await Promise.all([
    activeLoginFailures(deps, email, client, now),
    deps.repository.getByEmail(email),
  ]);
  // A locked client learns nothing: not even whether this guess was right.
  refuseWhileLocked(failures, now);

  if (!(await passwordMatches(deps, user, password)) || !user) {
    const attempt = {
      email,
      client,
      userId: user?.id ?? null,
      reason: user ? 'wrong_password' : 'unknown_email',
      meta,
    } as const;
    throw await loginFailed(deps, attempt, failures, now, new InvalidCredentialsError());
  }
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
  if (user.mfaEnabled) return startSecondFactor(deps, user, now);
  return completeLogin(deps, user, {
    amr: ['pwd'],
    meta,
    at: now,
    clears: failures.client ? { client } : undefined,
  });
};
