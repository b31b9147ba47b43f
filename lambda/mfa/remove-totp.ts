// Use case: remove a factor. What a stolen password or access token alone must not allow, so one's
// own needs recent authentication with the factor (step-up: `confirmRecent`); an admin may remove
// anyone else's factor (a user who lost their device).
import { auditEvent, type RequestMeta } from '../audit/event';
import { targetUser } from '../users/access';
import type { StoredUser } from '../users/user';
import type { MfaDependencies } from './dependencies';
import type { ConfirmRecent } from './enrol-totp';
import { noFactor } from './errors';
import { FactorChangedError } from './repository';

export const removeTotp = async (
  deps: Pick<MfaDependencies, 'mfa' | 'repository' | 'clock' | 'newId'>,
  caller: StoredUser,
  id: string,
  confirmRecent: ConfirmRecent,
  meta: RequestMeta,
): Promise<void> => {
  // An admin acting on another user needs no step-up; anyone acting on themselves does.
  if (caller.id === id) await confirmRecent();
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
