// Item kind: a session `session#<session id>` — keys, layout, and the conditions that name its
// attributes. `session_user_id` puts it (and only it) in the sparse sessions index; `expires_at`
// (epoch seconds) is the table's TTL attribute. The refresh hash stays in the base table: the
// index projects only what a listing shows (table-definition's SESSION_LISTED_ATTRIBUTES).
import type { Session, SessionSummary } from '../../sessions/session';
import { attributesOf, type Item } from '../attributes';

export const sessionKey = (id: string) => ({ id: `session#${id}` });

const SESSION_ID = /^session#(.+)$/;

const sessionIdOf = (item: Item): string => {
  const id = SESSION_ID.exec(attributesOf(item, 'session').string('id'))?.[1];
  if (id === undefined) throw new Error('Stored session item: id is not a session key');
  return id;
};

export const itemFromSession = (session: Session) => ({
  ...sessionKey(session.id),
  session_user_id: session.userId,
  created_at: session.createdAt,
  last_used_at: session.lastUsedAt,
  expires_at: session.expiresAt,
  user_agent: session.userAgent,
  token_version: session.tokenVersion,
  amr: [...session.amr],
  refresh_hash: session.refreshHash,
  generation: session.generation,
  rotated_at: session.rotatedAt,
});

/** A session as the sessions index projects it: no hash. */
export const sessionSummaryFromItem = (item: Item): SessionSummary => {
  const read = attributesOf(item, 'session');
  return {
    id: sessionIdOf(item),
    userId: read.string('session_user_id'),
    createdAt: read.string('created_at'),
    lastUsedAt: read.string('last_used_at'),
    expiresAt: read.number('expires_at'),
    userAgent: read.nullableString('user_agent'),
    tokenVersion: read.number('token_version'),
  };
};

export const sessionFromItem = (item: Item): Session => {
  const read = attributesOf(item, 'session');
  const amr = item.amr;
  if (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string')) {
    throw new Error('Stored session item: amr is not a list of strings');
  }
  return {
    ...sessionSummaryFromItem(item),
    amr,
    refreshHash: read.string('refresh_hash'),
    generation: read.number('generation'),
    rotatedAt: read.nullableString('rotated_at'),
  };
};

/** A key read of something else (a user, a guard) is not a session. */
export const isSessionItem = (item: Item): boolean => item.session_user_id !== undefined;

export const isNewSession = { ConditionExpression: 'attribute_not_exists(id)' } as const;

/** Moves the session to the next refresh token, if it still holds `fromHash`. */
export const rotationUpdate = (fromHash: string, toHash: string, at: string) => ({
  UpdateExpression: 'SET refresh_hash = :to, rotated_at = :at, last_used_at = :at ADD generation :one',
  ConditionExpression: 'refresh_hash = :from',
  ExpressionAttributeValues: { ':from': fromHash, ':to': toHash, ':at': at, ':one': 1 },
});

/**
 * Ends every session of a user (its `token_version` moves on). `version` moves too, so that a
 * user write racing this one, which read the old token_version, fails its version check instead
 * of writing it back.
 */
export const endSessionsUpdate = {
  UpdateExpression: 'SET token_version = token_version + :one, version = version + :one',
  ConditionExpression: 'attribute_exists(email)',
  ExpressionAttributeValues: { ':one': 1 },
} as const;
