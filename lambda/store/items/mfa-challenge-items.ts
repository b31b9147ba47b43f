// Item kind: a login's pending second step `mfa-challenge#<sha-256 of the mfa_token>` — whose it
// is, when it expires (`expires_at`, the table's TTL attribute), how many codes it took, and the
// user's tokenVersion when it was issued.
// The token itself is never stored.
import { MAX_CODE_ATTEMPTS, type MfaChallenge } from '../../mfa/factor';
import { attributesOf, type Item } from '../attributes';

export const mfaChallengeKey = (tokenHash: string) => ({ id: `mfa-challenge#${tokenHash}` });

export const mfaChallengeItem = (challenge: MfaChallenge) => ({
  ...mfaChallengeKey(challenge.tokenHash),
  user_id: challenge.userId,
  expires_at: challenge.expiresAt,
  attempts: challenge.attempts,
  token_version: challenge.tokenVersion,
  ...(challenge.device !== undefined && { device: challenge.device }),
});

export const mfaChallengeFromItem = (tokenHash: string, item: Item): MfaChallenge => {
  const read = attributesOf(item, 'mfa challenge');
  return {
    tokenHash,
    userId: read.string('user_id'),
    expiresAt: read.number('expires_at'),
    attempts: read.number('attempts'),
    // A challenge stored before it carried one is void (-1 matches no user).
    tokenVersion: typeof item.token_version === 'number' ? read.number('token_version') : -1,
    ...(item.device !== undefined && { device: read.string('device') }),
  };
};

/** One of the challenge's codes, claimed before it is compared, while any is left and it is live. */
export const claimCodeUpdate = (nowEpoch: number) => ({
  UpdateExpression: 'ADD attempts :one',
  ConditionExpression: 'attribute_exists(id) AND attempts < :max AND expires_at > :now',
  ExpressionAttributeValues: { ':one': 1, ':max': MAX_CODE_ATTEMPTS, ':now': nowEpoch },
});

/**
 * Single use: consumed only while live, and only for its own user (TTL deletion lags). Every
 * code compared has claimed one of the attempts first (claimCodeUpdate), so the one completing
 * may be the last: at most MAX_CODE_ATTEMPTS.
 */
export const isLiveChallengeOf = (userId: string, nowEpoch: number) => ({
  ConditionExpression: 'user_id = :user AND attempts <= :max AND expires_at > :now',
  ExpressionAttributeValues: { ':user': userId, ':max': MAX_CODE_ATTEMPTS, ':now': nowEpoch },
});
