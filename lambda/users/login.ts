// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears it. A
// disabled account's status is told only to whoever has its password. Every outcome is an event.
import { auditEvent, type RequestMeta } from '../audit/event';
import { AccountDisabledError, InvalidCredentialsError } from '../shared/errors';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';
import { profileOf, type User } from './user';

export interface LoginResult {
  readonly token: string;
  readonly expiresIn: number;
  readonly user: User;
}

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'audit' | 'passwords' | 'tokens' | 'clock' | 'newId'>,
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  meta: RequestMeta,
): Promise<LoginResult> => {
  const now = deps.clock();
  const [failures, user] = await Promise.all([
    activeLoginFailures(deps, email, client, now),
    deps.repository.getByEmail(email),
  ]);
  // During a lock even the right password is refused, so guessing gains nothing.
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
  const context = { ...deps, meta };
  if (user.status === 'disabled') {
    await deps.audit.record([
      auditEvent(context, {
        type: 'login.failed',
        userId: user.id,
        actorId: null,
        outcome: 'failure',
        details: { reason: 'account_disabled' },
      }),
    ]);
    throw new AccountDisabledError();
  }
  // One transaction: last_login, this client's failures forgotten, and login.succeeded.
  const succeeded = auditEvent(context, { type: 'login.succeeded', userId: user.id, actorId: user.id });
  const loggedIn = await deps.repository.recordLogin(user, now.toISOString(), {
    events: [succeeded],
    clearClient: failures.client ? client : undefined,
  });
  if (!loggedIn) throw new InvalidCredentialsError();
  const { token, expiresIn } = await deps.tokens.issue(loggedIn, now);
  return { token, expiresIn, user: profileOf(loggedIn) };
};
