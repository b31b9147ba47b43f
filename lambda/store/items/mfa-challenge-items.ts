// Item kind: a login's pending second step `mfa-challenge#<sha-256 of the mfa_token>` — whose it
// is, when it expires (`expires_at`, the table's TTL attribute) and how many wrong codes it took.
// The token itself is never stored.
import { MAX_CODE_ATTEMPTS, type MfaChallenge } from '../../mfa/factor';
import { attributesOf, type Item } from '../attributes';

export const mfaChallengeKey = (tokenHash: string) => ({ id: `mfa-challenge#${tokenHash}` });

export const mfaChallengeItem = (challenge: MfaChallenge) => ({
  ...mfaChallengeKey(challenge.tokenHash),
  user_id: challenge.userId,
  expires_at: challenge.expiresAt,
  attempts: challenge.attempts,
});

export const mfaChallengeFromItem = (tokenHash: string, item: Item): MfaChallenge => {
  const read = attributesOf(item, 'mfa challenge');
  return {
    tokenHash,
    userId: read.string('user_id'),
    expiresAt: read.number('expires_at'),
    attempts: read.number('attempts'),
  };
};

export const countWrongCodeUpdate = {
  UpdateExpression: 'ADD attempts :one',
  ConditionExpression: 'attribute_exists(id)',
  ExpressionAttributeValues: { ':one': 1 },
} as const;

/** Single use: consumed only while live, and only for its own user (TTL deletion lags). */
export const isLiveChallengeOf = (userId: string, nowEpoch: number) => ({
  ConditionExpression: 'user_id = :user AND attempts < :max AND expires_at > :now',
  ExpressionAttributeValues: { ':user': userId, ':max': MAX_CODE_ATTEMPTS, ':now': nowEpoch },
});
