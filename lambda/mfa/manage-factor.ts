// Use cases: remove a factor, and replace the recovery codes. Both are what a stolen password
// alone must not allow, so the user's own session must have passed the second factor (`amr`
// has `otp`); an admin may remove anyone's factor (a user who lost their device).
import { auditEvent, type RequestMeta } from '../audit/event';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import { targetUser } from '../users/access';
import type { StoredUser } from '../users/user';
import type { MfaDependencies } from './dependencies';
import { onlyYourself } from './enrol-totp';
import { newRecoveryCodes } from './mfa-keys';
import { FactorChangedError } from './repository';

export const passedSecondFactor = (amr: readonly string[]): boolean => amr.includes('otp');

const noFactor = () => new NotFoundError('This user has no second factor enabled.');

export const removeTotp = async (
  deps: Pick<MfaDependencies, 'mfa' | 'repository' | 'clock' | 'newId'>,
  caller: StoredUser,
  callerAmr: readonly string[],
  id: string,
  meta: RequestMeta,
): Promise<void> => {
  if (caller.role !== 'admin' && !passedSecondFactor(callerAmr)) {
    onlyYourself(caller, id);
    throw new ForbiddenError(
      'Removing your second factor needs a session that passed it: log in with a code.',
    );
  }
  const user = await targetUser(deps, caller, id);
  if (!user.mfaEnabled) throw noFactor();
  try {
    // The actor is whoever removed it: the user, or an admin for a user who lost their device.
    const removed = auditEvent(
      { ...deps, meta },
      {
        type: 'mfa.removed',
        userId: user.id,
        actorId: caller.id,
        details: { method: 'totp', by_admin: caller.id !== user.id },
      },
    );
    await deps.mfa.remove(user.id, deps.clock(), { events: [removed] });
  } catch (error) {
    throw error instanceof FactorChangedError ? noFactor() : error;
  }
};

export const regenerateRecoveryCodes = async (
  deps: Pick<MfaDependencies, 'mfa' | 'mfaKeys'>,
  caller: StoredUser,
  callerAmr: readonly string[],
  id: string,
): Promise<string[]> => {
  onlyYourself(caller, id);
  if (!passedSecondFactor(callerAmr)) {
    throw new ForbiddenError('New recovery codes need a session that passed the second factor.');
  }
  const codes = newRecoveryCodes();
  try {
    await deps.mfa.replaceRecoveryCodes(
      caller.id,
      codes.map((code) => deps.mfaKeys.hashRecoveryCode(code)),
    );
  } catch (error) {
    throw error instanceof FactorChangedError ? noFactor() : error;
  }
  return codes;
};
