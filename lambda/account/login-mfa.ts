// Use cases: the second step of a login. A right password for a user with a factor earns a
// challenge (a single-use mfa_token, 5 minutes); POST /login/mfa trades it and a TOTP code or a
// recovery code for a session with `amr` ["pwd","otp"], the same session and tokens a password
// login opens. Every wrong code counts as a failed login of the account from the request's
// client, in the same back-off as wrong passwords, so guessing codes is as slow as guessing
// passwords; five codes void the challenge. Both are claimed before a code is compared. Passing
// clears every failure of the account. A challenge dies with what ends the user's sessions.

import { auditEvent, type RequestMeta } from '../audit/event';
import { SecondFactorRefusedError } from '../mfa/errors';
import { CHALLENGE_SECONDS, epochSeconds, isLiveChallenge } from '../mfa/factor';
import { hashMfaToken, newMfaToken } from '../mfa/mfa-keys';
import { ChallengeGoneError, CodeUsedError } from '../mfa/repository';
import { stepOfCode } from '../mfa/totp';
import { AccountDisabledError, InvalidCredentialsError } from '../shared/errors';
import {
  type AttemptClaim,
  attemptFailed,
  claimAttempt,
  clearLoginFailures,
  giveBackAttempt,
} from '../users/credentials';
import type { StoredUser } from '../users/user';
import { completeLogin, type LoginResult } from './complete-login';
import type { AccountDependencies } from './dependencies';

export interface SecondFactorRequired {
  readonly mfaToken: string;
  readonly expiresIn: number;
}

export const startSecondFactor = async (
  deps: Pick<AccountDependencies, 'mfa'>,
  user: StoredUser,
  now: Date,
  /** The known device the password step came from: the codes count in its back-off too. */
  device?: string,
): Promise<SecondFactorRequired> => {
  const { token, hash } = newMfaToken();
  await deps.mfa.createChallenge({
    tokenHash: hash,
    userId: user.id,
    expiresAt: epochSeconds(now) + CHALLENGE_SECONDS,
    attempts: 0,
    tokenVersion: user.tokenVersion,
    ...(device !== undefined && { device }),
  });
  return { mfaToken: token, expiresIn: CHALLENGE_SECONDS };
};

export type SecondFactorProof = { readonly code: string } | { readonly recoveryCode: string };

const challengeGone = () =>
  new SecondFactorRefusedError('The mfa_token is unknown, used or expired: log in again with your password.');
const wrongCode = () => new SecondFactorRefusedError('The code is wrong, or was already used.');

type Deps = AccountDependencies;

export const loginMfa = async (
  deps: Deps,
  mfaToken: string,
  proof: SecondFactorProof,
  request: {
    /** The source IP: a wrong code counts against the account from this client. */
    readonly client: string;
    /** Where the request came from: its events, and the session's User-Agent. */
    readonly meta: RequestMeta;
  },
): Promise<LoginResult> => {
  const now = deps.clock();
  const challenge = await deps.mfa.getChallenge(hashMfaToken(mfaToken));
  if (!challenge || !isLiveChallenge(challenge, now)) throw challengeGone();
  const [user, factor] = await Promise.all([
    deps.repository.getById(challenge.userId),
    deps.mfa.getFactor(challenge.userId),
  ]);
  if (!user) throw new InvalidCredentialsError();
  // Disabled after the password step: told, as the password step tells it, to whoever has both.
  if (user.status !== 'active') throw new AccountDisabledError();
  // Issued before a password change or reset, "log out everywhere" or a disable: void.
  if (challenge.tokenVersion !== user.tokenVersion) throw challengeGone();
  // Both limits are claimed before the code is compared: the account's back-off from this
  // client (wrong codes are failed logins), then one of the challenge's five codes.
  const claim = await claimAttempt(deps, user.email, { ip: request.client, device: challenge.device }, now);
  if (!(await deps.mfa.claimCode(challenge.tokenHash, now))) {
    await giveBackAttempt(deps, claim, { clearClient: false });
    throw challengeGone();
  }

  try {
    if (!factor || factor.state !== 'enabled') throw new CodeUsedError();
    if ('code' in proof) {
      const secret = deps.mfaKeys.openSecret(user.id, factor.sealedSecret);
      const step = secret === undefined ? undefined : stepOfCode(secret, proof.code, now);
      // A code at or before the last accepted step is a replay; the store checks again, atomically.
      if (step === undefined || (factor.lastStep !== null && step <= factor.lastStep))
        throw new CodeUsedError();
      await deps.mfa.completeWithCode(challenge, step, now);
    } else {
      await deps.mfa.completeWithRecoveryCode(
        challenge,
        deps.mfaKeys.hashRecoveryCode(proof.recoveryCode),
        now,
      );
    }
  } catch (error) {
    if (error instanceof ChallengeGoneError) {
      await giveBackAttempt(deps, claim, { clearClient: false });
      throw challengeGone();
    }
    if (error instanceof CodeUsedError)
      throw await codeRefused(deps, claim, user, request, now, 'code' in proof);
    throw error;
  }
  // The owner has proved themselves: every failure of the account, from every client, is forgotten.
  await giveBackAttempt(deps, claim, { clearClient: true });
  await clearLoginFailures(deps, user.email);
  return completeLogin(deps, user, { amr: ['pwd', 'otp'], meta: request.meta, at: now });
};

/**
 * A wrong code: its strikes (the challenge's and the account's) were claimed before the compare
 * and stand; the failed login is recorded (login.failed, and login.locked when it locks), and
 * mfa.failed.
 */
const codeRefused = async (
  deps: AccountDependencies,
  claim: AttemptClaim,
  user: StoredUser,
  request: { readonly client: string; readonly meta: RequestMeta },
  now: Date,
  totp: boolean,
): Promise<Error> => {
  const attempt = {
    email: user.email,
    client: request.client,
    userId: user.id,
    reason: 'wrong_second_factor',
    meta: request.meta,
  } as const;
  // mfa.failed names the kind of proof, never the code.
  const failed = auditEvent(
    { ...deps, meta: request.meta },
    {
      type: 'mfa.failed',
      userId: user.id,
      actorId: null,
      outcome: 'failure',
      details: { method: totp ? 'totp' : 'recovery_code' },
    },
  );
  const [, refusal] = await Promise.all([
    deps.audit.record([failed]),
    attemptFailed(deps, attempt, claim, now, wrongCode()),
  ]);
  return refusal;
};
