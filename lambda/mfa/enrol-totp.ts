// Use cases: enrol a TOTP factor (a pending one, shown once) and verify its first code, which
// enables it, mails a notice and hands out the recovery codes. Only the user themselves: an admin
// cannot enrol a factor for someone else, since the secret would then be known to two people.
// Both need recent authentication (step-up), so that a stolen access token cannot bind a factor.
import { auditEvent, type RequestMeta } from '../audit/event';
import type { OutboxMail } from '../mail/mail';
import { greetingName } from '../mail/mail-caps';
import { ForbiddenError, ValidationError } from '../shared/errors';
import type { StoredUser } from '../users/user';
import type { MfaDependencies } from './dependencies';
import { FactorAlreadyEnabledError } from './errors';
import { epochSeconds, PENDING_ENROLMENT_SECONDS } from './factor';
import { newRecoveryCodes } from './mfa-keys';
import { FactorChangedError, FactorEnabledError } from './repository';
import { newTotpSecret, provisioning, stepOfCode } from './totp';

export const onlyYourself = (caller: StoredUser, id: string): void => {
  if (caller.id !== id) throw new ForbiddenError('Only the user themselves may manage their second factor.');
};

/**
 * Resolves when the caller is recently authenticated (account/step-up.ts), else throws
 * ReauthenticationRequiredError: what a sensitive action of one's own asks first.
 */
export type ConfirmRecent = () => Promise<void>;

export const enrolTotp = async (
  deps: Pick<MfaDependencies, 'mfa' | 'mfaKeys' | 'mfaIssuer' | 'clock'>,
  caller: StoredUser,
  id: string,
  confirmRecent: ConfirmRecent,
): Promise<{ secret: string; otpauthUri: string }> => {
  onlyYourself(caller, id);
  if (caller.mfaEnabled) throw new FactorAlreadyEnabledError();
  await confirmRecent();
  const secret = newTotpSecret();
  try {
    await deps.mfa.putPending({
      userId: caller.id,
      sealedSecret: deps.mfaKeys.sealSecret(caller.id, secret),
      state: 'pending',
      pendingExpiresAt: epochSeconds(deps.clock()) + PENDING_ENROLMENT_SECONDS,
      lastStep: null,
      recoveryHashes: [],
    });
  } catch (error) {
    throw error instanceof FactorEnabledError ? new FactorAlreadyEnabledError() : error;
  }
  return provisioning(secret, deps.mfaIssuer, caller.email);
};

const wrongCode = (detail: string) =>
  new ValidationError(detail, [{ path: 'code', message: 'is not valid' }]);

export const verifyTotp = async (
  deps: Pick<MfaDependencies, 'mfa' | 'mfaKeys' | 'clock' | 'newId'>,
  caller: StoredUser,
  id: string,
  /** Read after the rule: someone else's id learns nothing from a 400. */
  readCode: () => string,
  confirmRecent: ConfirmRecent,
  /** Claims the notice's slot and daily cap (mail/mail-caps.ts): false, and it is not sent. */
  mayMail: (mail: OutboxMail) => Promise<boolean>,
  meta: RequestMeta,
): Promise<string[]> => {
  onlyYourself(caller, id);
  const code = readCode();
  if (caller.mfaEnabled) throw new FactorAlreadyEnabledError();
  await confirmRecent();
  const now = deps.clock();
  const factor = await deps.mfa.getFactor(caller.id);
  if (!factor || factor.state !== 'pending' || (factor.pendingExpiresAt ?? 0) <= epochSeconds(now)) {
    throw wrongCode('No enrolment is pending, or it expired (after 10 minutes): enrol again.');
  }
  const secret = deps.mfaKeys.openSecret(caller.id, factor.sealedSecret);
  const step = secret === undefined ? undefined : stepOfCode(secret, code, now);
  if (step === undefined) throw wrongCode('The code is not the current one of the enrolled secret.');
  const codes = newRecoveryCodes();
  const notice: OutboxMail = { kind: 'mfa-enabled', to: caller.email, name: greetingName(caller) };
  const mails = (await mayMail(notice)) ? [notice] : [];
  try {
    await deps.mfa.enable(
      caller.id,
      step,
      codes.map((recovery) => deps.mfaKeys.hashRecoveryCode(recovery)),
      now,
      {
        events: [
          auditEvent(
            { ...deps, meta },
            { type: 'mfa.enrolled', userId: caller.id, actorId: caller.id, details: { method: 'totp' } },
          ),
        ],
        mails,
      },
    );
  } catch (error) {
    throw error instanceof FactorChangedError
      ? wrongCode('The enrolment changed meanwhile (enabled, replaced or expired): enrol again.')
      : error;
  }
  return codes;
};
