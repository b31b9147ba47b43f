// The users table, as pure data. The CDK stack (lib/) and the local/test table creator
// (store/create-table.ts) both build from this one definition, so they cannot drift.

/** Attributes projected into the user indexes: exactly what a listing shows, never credentials. */
export const LISTED_ATTRIBUTES = [
  'name',
  'role',
  'email_verified',
  'status',
  'last_login',
  'mfa_enabled',
  'created_at',
  'updated_at',
  'version',
] as const;

/** Attributes projected into the sessions index: what a session listing shows, never a token hash. */
export const SESSION_LISTED_ATTRIBUTES = [
  'last_used_at',
  'expires_at',
  'user_agent',
  'token_version',
] as const;

/** Attributes projected into the event indexes: the whole event (events hold no secret). */
export const EVENT_ATTRIBUTES = [
  'event_id',
  'type',
  'at',
  'user_id',
  'actor_id',
  'outcome',
  'request_id',
  'ip',
  'user_agent',
  'details',
] as const;

type KeyType = 'S' | 'N';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: { readonly name: string; readonly type: KeyType };
  readonly sortKey?: { readonly name: string; readonly type: KeyType };
  /** INCLUDE, never ALL: password hashes and token versions never reach an index. */
  readonly nonKeyAttributes: readonly string[];
}

/**
 * Sparse indexes: an item is in an index only when it has that index's key attributes, which
 * only one item kind writes. Users are spread over `USER_SHARDS` partitions and events over
 * `EVENT_SHARDS` (store/items/*), so no index has a single hot partition.
 */
const byEmail = (name: string, partitionKey: string): IndexDefinition => ({
  name,
  partitionKey: { name: partitionKey, type: 'S' },
  sortKey: { name: 'email', type: 'S' },
  nonKeyAttributes: LISTED_ATTRIBUTES,
});
const newestFirst = (name: string, partitionKey: string): IndexDefinition => ({
  name,
  partitionKey: { name: partitionKey, type: 'S' },
  sortKey: { name: 'event_sort', type: 'S' },
  nonKeyAttributes: EVENT_ATTRIBUTES,
});

export const usersTable = {
  partitionKey: { name: 'id', type: 'S' },
  emailIndex: {
    name: 'email-index',
    partitionKey: { name: 'email', type: 'S' },
    // INCLUDE, not ALL: password hashes and token versions never reach the index.
    nonKeyAttributes: LISTED_ATTRIBUTES,
  },
  sessionsIndex: {
    name: 'sessions-by-user',
    // Sparse: only session items have `session_user_id`, so users and guards never appear here.
    partitionKey: { name: 'session_user_id', type: 'S' },
    sortKey: { name: 'created_at', type: 'S' },
    nonKeyAttributes: SESSION_LISTED_ATTRIBUTES,
  },
  /** The mailer reads outbox items from the stream: a new item's image is all it needs. */
  stream: 'NEW_IMAGE',
  /** Sorted by email: `users#<shard>` → every user; `users#<status>#<shard>` → users of a status. */
  usersByEmail: byEmail('users-by-email', 'list_shard'),
  usersByStatus: byEmail('users-by-status', 'status_shard'),
  /** Newest first (`<at>#<event id>`): by user, by user and type, by actor, by type, and all. */
  eventsByUser: newestFirst('events-by-user', 'event_user'),
  eventsByUserType: newestFirst('events-by-user-type', 'event_user_type'),
  eventsByActor: newestFirst('events-by-actor', 'event_actor'),
  eventsByType: newestFirst('events-by-type', 'event_type_shard'),
  eventsAll: newestFirst('events-all', 'event_shard'),
  /** Epoch seconds; DynamoDB deletes expired login-throttle, session, token, throttle, outbox and audit items on its own. */
  timeToLiveAttribute: 'expires_at',
} as const;

/** The sorted, sparse indexes (everything but the email index), in creation order. */
export const keyedIndexes: readonly IndexDefinition[] = [
  usersTable.sessionsIndex,
  usersTable.usersByEmail,
  usersTable.usersByStatus,
  usersTable.eventsByUser,
  usersTable.eventsByUserType,
  usersTable.eventsByActor,
  usersTable.eventsByType,
  usersTable.eventsAll,
];
