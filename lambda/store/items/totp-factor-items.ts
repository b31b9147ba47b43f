// Item kind: a user's TOTP factor `totp#<user id>` — the sealed secret, pending or enabled, the
// last accepted time step and the keyed hashes of unused recovery codes (a string set, so one
// code is taken out by a conditional DELETE). A pending factor carries the table's TTL
// attribute `expires_at`; enabling removes it.
import type { TotpFactor } from '../../mfa/factor';
import { attributesOf, type Item } from '../attributes';

export const totpFactorKey = (userId: string) => ({ id: `totp#${userId}` });

export const pendingFactorItem = (factor: TotpFactor) => ({
  ...totpFactorKey(factor.userId),
  user_id: factor.userId,
  sealed_secret: factor.sealedSecret,
  factor_state: 'pending',
  pending_expires_at: factor.pendingExpiresAt,
  expires_at: factor.pendingExpiresAt,
});

export const totpFactorFromItem = (item: Item): TotpFactor => {
  const read = attributesOf(item, 'totp factor');
  const hashes = item.recovery_hashes;
  const state = read.oneOf('factor_state', ['pending', 'enabled'] as const);
  return {
    userId: read.string('user_id'),
    sealedSecret: read.string('sealed_secret'),
    state,
    pendingExpiresAt: state === 'pending' ? read.number('pending_expires_at') : null,
    lastStep: item.last_step === undefined ? null : read.number('last_step'),
    recoveryHashes: hashes instanceof Set ? [...hashes].filter((hash) => typeof hash === 'string') : [],
  };
};

/** A pending factor may be replaced by a new enrolment; an enabled one never. */
export const isNotEnabled = {
  ConditionExpression: 'attribute_not_exists(id) OR factor_state = :pending',
  ExpressionAttributeValues: { ':pending': 'pending' },
} as const;

export const enableUpdate = (step: number, recoveryHashes: readonly string[], nowEpoch: number) => ({
  UpdateExpression:
    'SET factor_state = :enabled, last_step = :step, recovery_hashes = :hashes REMOVE pending_expires_at, expires_at',
  ConditionExpression: 'factor_state = :pending AND pending_expires_at > :now',
  ExpressionAttributeValues: {
    ':enabled': 'enabled',
    ':pending': 'pending',
    ':step': step,
    ':hashes': new Set(recoveryHashes),
    ':now': nowEpoch,
  },
});

export const replaceRecoveryHashesUpdate = (recoveryHashes: readonly string[]) => ({
  UpdateExpression: 'SET recovery_hashes = :hashes',
  ConditionExpression: 'factor_state = :enabled',
  ExpressionAttributeValues: { ':enabled': 'enabled', ':hashes': new Set(recoveryHashes) },
});

/** Records an accepted step, only if it is later than the last one: a code is accepted once. */
export const acceptStepUpdate = (step: number) => ({
  UpdateExpression: 'SET last_step = :step',
  ConditionExpression: 'factor_state = :enabled AND last_step < :step',
  ExpressionAttributeValues: { ':enabled': 'enabled', ':step': step },
});

/** Takes one recovery code out of the set, only if it is still in it: each code works once. */
export const useRecoveryCodeUpdate = (recoveryHash: string) => ({
  UpdateExpression: 'DELETE recovery_hashes :used',
  ConditionExpression: 'factor_state = :enabled AND contains(recovery_hashes, :hash)',
  ExpressionAttributeValues: {
    ':enabled': 'enabled',
    ':used': new Set([recoveryHash]),
    ':hash': recoveryHash,
  },
});
