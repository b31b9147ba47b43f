// Use case: make sure an admin with this email and password exists (`npm start`, and the first
// admin of a deployed branch through `npm run create-admin`). Idempotent. Needs no signing key.
import { auditEvent, SYSTEM_REQUEST } from '../audit/event';
import type { Clock, IdSource } from '../shared/clock';
import { parseStrict } from '../shared/parse-strict';
import type { PasswordHasher } from '../shared/passwords';
import { EmailTakenError } from './errors';
import { newStoredUser } from './new-user';
import { StaleVersionError, type UserRepository } from './repository';
import { adminAccountSchema } from './schemas';

export type AdminBootstrapOutcome = 'created' | 'promoted' | 'password-reset' | 'unchanged';

export interface EnsureAdminDependencies {
  readonly repository: UserRepository;
  readonly passwords: PasswordHasher;
  readonly clock: Clock;
  readonly newId: IdSource;
}

/** Rounds of the bootstrap when other starters race it (replicas starting together). */
const MAX_ROUNDS = 3;

/**
 * Throws ValidationError for an email or password the API itself would refuse. Several starters
 * at once (replicas of the server) may race: the one whose write loses reads again and finds the
 * admin the winner made.
 */
export const ensureAdmin = async (
  deps: EnsureAdminDependencies,
  rawEmail: string,
  password: string,
): Promise<AdminBootstrapOutcome> => {
  for (let round = 1; ; round += 1) {
    try {
      return await ensureAdminOnce(deps, rawEmail, password);
    } catch (error) {
      const lostRace = error instanceof EmailTakenError || error instanceof StaleVersionError;
      if (!lostRace || round >= MAX_ROUNDS) throw error;
    }
  }
};

const ensureAdminOnce = async (
  deps: EnsureAdminDependencies,
  rawEmail: string,
  password: string,
): Promise<AdminBootstrapOutcome> => {
  // The API's own rules, so a bootstrap admin is never one the API could not have created.
  const { email } = parseStrict(adminAccountSchema, { email: rawEmail, password }, 'admin account');
  const existing = await deps.repository.getByEmail(email);
  const context = { ...deps, meta: SYSTEM_REQUEST };
  if (!existing) {
    // Verified: the operator who configured the address vouches for it, and no mail is sent.
    const admin = await newStoredUser(deps, {
      email,
      name: 'Administrator',
      password,
      role: 'admin',
      emailVerified: true,
    });
    const created = auditEvent(context, {
      type: 'user.created',
      userId: admin.id,
      actorId: null,
      details: { role: 'admin', via: 'bootstrap' },
    });
    await deps.repository.create(admin, { events: [created] });
    return 'created';
  }
  const promote = existing.role !== 'admin' || existing.status !== 'active';
  const reset = !(await deps.passwords.verify(password, existing.passwordHash));
  if (!promote && !reset) return 'unchanged';
  const passwordHash = reset ? await deps.passwords.hash(password) : existing.passwordHash;
  const fields = [
    ...(existing.role === 'admin' ? [] : ['role']),
    ...(existing.status === 'active' ? [] : ['status']),
    ...(reset ? ['password'] : []),
  ];
  const about = { userId: existing.id, actorId: null, details: { fields, via: 'bootstrap' } };
  await deps.repository.replace(
    existing,
    {
      ...existing,
      role: 'admin',
      status: 'active',
      passwordHash,
      // A new password revokes every token issued before it.
      tokenVersion: reset ? existing.tokenVersion + 1 : existing.tokenVersion,
      version: existing.version + 1,
      updatedAt: deps.clock().toISOString(),
    },
    {
      events: [
        auditEvent(context, { type: 'user.updated', ...about }),
        ...(existing.status === 'active' ? [] : [auditEvent(context, { type: 'user.enabled', ...about })]),
        ...(reset ? [auditEvent(context, { type: 'password.changed', ...about })] : []),
      ],
    },
  );
  return reset ? 'password-reset' : 'promoted';
};
