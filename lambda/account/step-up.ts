// Use case: recent authentication (step-up) for sensitive actions — enrolling or verifying a
// factor, removing one's own factor, replacing recovery codes, deleting one's own account — so
// that a stolen access token alone cannot do them. Either the caller's session signed in within
// `reauthMaxAgeSeconds` with every factor the account has now (its refreshes do not renew it), or
// the body proves it again: `current_password`, and a code or recovery code when the account has
// a factor. A wrong proof counts as a failed login, like a wrong password at /login.
import { auditEvent, type RequestMeta } from '../audit/event';
import { CodeUsedError } from '../mfa/repository';
import { stepOfCode } from '../mfa/totp';
import { ReauthenticationRequiredError, ValidationError } from '../shared/errors';
import { attemptFailed, claimAttempt, confirmCurrentPassword, giveBackAttempt } from '../users/credentials';
import type { StoredUser } from '../users/user';
import type { AccountDependencies } from './dependencies';

/** What a body may carry to prove the caller again. */
export interface StepUpProof {
  readonly currentPassword?: string | undefined;
  readonly code?: string | undefined;
  readonly recoveryCode?: string | undefined;
}

/** The caller as step-up sees it: who, and how and when their session signed in. */
export interface StepUpCaller {
  readonly user: StoredUser;
  readonly amr: readonly string[];
  /** ISO 8601: the session's sign-in. */
  readonly signedInAt: string;
}

export interface StepUpRequest {
  /** The source IP: a wrong proof counts against the account from this client. */
  readonly client: string;
  readonly meta: RequestMeta;
}

type Deps = Pick<
  AccountDependencies,
  | 'repository'
  | 'attempts'
  | 'passwords'
  | 'clock'
  | 'newId'
  | 'mfa'
  | 'mfaKeys'
  | 'audit'
  | 'reauthMaxAgeSeconds'
>;

/** Signed in within the window, with every factor the account has now. */
export const isRecent = (caller: StepUpCaller, maxAgeSeconds: number, now: Date): boolean =>
  Date.parse(caller.signedInAt) + maxAgeSeconds * 1000 > now.getTime() &&
  (!caller.user.mfaEnabled || caller.amr.includes('otp'));

const required = (user: StoredUser) =>
  new ReauthenticationRequiredError(
    user.mfaEnabled
      ? 'This needs recent authentication: send current_password and code (or recovery_code), or log in again with your second factor.'
      : 'This needs recent authentication: send current_password, or log in again.',
  );

/**
 * Resolves when the caller is recently authenticated, or proves it in `proof`; throws the 403
 * `reauthentication-required` otherwise. A proof that is sent is always checked, recent or not:
 * a wrong one is never ignored.
 */
export const confirmRecentAuthentication = async (
  deps: Deps,
  caller: StepUpCaller,
  proof: StepUpProof,
  request: StepUpRequest,
): Promise<void> => {
  const now = deps.clock();
  const { user } = caller;
  const sent = [proof.currentPassword, proof.code, proof.recoveryCode].some((value) => value !== undefined);
  if (!sent) {
    if (isRecent(caller, deps.reauthMaxAgeSeconds, now)) return;
    throw required(user);
  }
  if (proof.code !== undefined && proof.recoveryCode !== undefined) {
    throw new ValidationError('Send either code or recovery_code.', [
      { path: 'code', message: 'send either code or recovery_code' },
      { path: 'recovery_code', message: 'send either code or recovery_code' },
    ]);
  }
  if (proof.currentPassword === undefined) {
    throw new ValidationError('A code proves recent authentication only with current_password.', [
      { path: 'current_password', message: 'is required with code or recovery_code' },
    ]);
  }
  await confirmCurrentPassword(deps, user, proof.currentPassword, request.client, now, request.meta);
  if (!user.mfaEnabled) return;
  if (proof.code === undefined && proof.recoveryCode === undefined) throw required(user);
  await confirmSecondFactor(deps, user, proof, request, now);
};

/**
 * The code or recovery code, each accepted once (the store's conditional write decides a race),
 * claimed as a login attempt before it is compared, as the password was.
 */
const confirmSecondFactor = async (
  deps: Deps,
  user: StoredUser,
  proof: StepUpProof,
  request: StepUpRequest,
  now: Date,
): Promise<void> => {
  const claim = await claimAttempt(deps, user.email, { ip: request.client }, now);
  const factor = await deps.mfa.getFactor(user.id);
  try {
    if (factor?.state !== 'enabled') throw new CodeUsedError();
    if (proof.code !== undefined) {
      const secret = deps.mfaKeys.openSecret(user.id, factor.sealedSecret);
      const step = secret === undefined ? undefined : stepOfCode(secret, proof.code, now);
      if (step === undefined) throw new CodeUsedError();
      await deps.mfa.useCode(user.id, step);
    } else {
      await deps.mfa.useRecoveryCode(user.id, deps.mfaKeys.hashRecoveryCode(proof.recoveryCode ?? ''));
    }
    await giveBackAttempt(deps, claim, { clearClient: false });
  } catch (error) {
    if (!(error instanceof CodeUsedError)) {
      await giveBackAttempt(deps, claim, { clearClient: false });
      throw error;
    }
    const field = proof.code !== undefined ? 'code' : 'recovery_code';
    const failed = auditEvent(
      { ...deps, meta: request.meta },
      {
        type: 'mfa.failed',
        userId: user.id,
        actorId: user.id,
        outcome: 'failure',
        details: { method: field === 'code' ? 'totp' : 'recovery_code', step_up: true },
      },
    );
    const [, refusal] = await Promise.all([
      deps.audit.record([failed]),
      attemptFailed(
        deps,
        {
          email: user.email,
          client: request.client,
          userId: user.id,
          reason: 'wrong_second_factor',
          meta: request.meta,
        },
        claim,
        now,
        new ValidationError('The code is wrong, or was already used.', [
          { path: field, message: 'is not valid' },
        ]),
      ),
    ]);
    throw refusal;
  }
};
