// Use case: replace one's own recovery codes. Needs recent authentication with the factor (step-up:
// `confirmRecent`), as a stolen password or access token alone must not yield new codes.
import { auditEvent, type RequestMeta } from '../audit/event';
import type { StoredUser } from '../users/user';
import type { MfaDependencies } from './dependencies';
import { type ConfirmRecent, onlyYourself } from './enrol-totp';
import { noFactor } from './errors';
import { newRecoveryCodes } from './mfa-keys';
import { FactorChangedError } from './repository';

export const regenerateRecoveryCodes = async (
  deps: Pick<MfaDependencies, 'mfa' | 'mfaKeys' | 'clock' | 'newId'>,
  caller: StoredUser,
  id: string,
  confirmRecent: ConfirmRecent,
  meta: RequestMeta,
): Promise<string[]> => {
  onlyYourself(caller, id);
  await confirmRecent();
  const codes = newRecoveryCodes();
  const replaced = auditEvent(
    { ...deps, meta },
    {
      type: 'mfa.recovery_codes_replaced',
      userId: caller.id,
      actorId: caller.id,
      details: { method: 'totp' },
    },
  );
  try {
    await deps.mfa.replaceRecoveryCodes(
      caller.id,
      codes.map((code) => deps.mfaKeys.hashRecoveryCode(code)),
      { events: [replaced] },
    );
  } catch (error) {
    throw error instanceof FactorChangedError ? noFactor() : error;
  }
  return codes;
};
