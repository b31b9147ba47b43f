// Use case: confirm a pending factor (mfa/enrol-totp.ts verifyTotp: step-up, the code, the factor
// enabled with its event and notice), then end every other session of the user, as a password
// change does: a session opened before the factor was bound, perhaps by whoever made the user
// want one, does not outlive it. The caller's own session stays.
import { auditEvent, type RequestMeta } from '../audit/event';
import { claimMail } from '../mail/mail-caps';
import { type ConfirmRecent, verifyTotp } from '../mfa/enrol-totp';
import { isLive } from '../sessions/session';
import type { StoredUser } from '../users/user';
import type { AccountDependencies } from './dependencies';

export const confirmEnrolment = async (
  deps: AccountDependencies,
  caller: { readonly user: StoredUser; readonly sessionId: string },
  id: string,
  readCode: () => string,
  confirmRecent: ConfirmRecent,
  meta: RequestMeta,
): Promise<string[]> => {
  const codes = await verifyTotp(
    deps,
    caller.user,
    id,
    readCode,
    confirmRecent,
    (mail) => claimMail(deps, mail),
    meta,
  );
  await endOtherSessions(deps, caller.user, caller.sessionId, meta);
  return codes;
};

const endOtherSessions = async (
  deps: Pick<AccountDependencies, 'sessions' | 'clock' | 'newId'>,
  user: StoredUser,
  keep: string,
  meta: RequestMeta,
): Promise<void> => {
  const now = deps.clock();
  const others = (await deps.sessions.listByUser(user.id)).filter(
    (session) => session.id !== keep && isLive(session, user, now),
  );
  await Promise.all(
    others.map((session) =>
      deps.sessions.delete(session.id, {
        events: [
          auditEvent(
            { ...deps, meta },
            {
              type: 'session.ended',
              userId: user.id,
              actorId: user.id,
              details: { reason: 'mfa_enrolled', session_id: session.id },
            },
          ),
        ],
      }),
    ),
  );
};
