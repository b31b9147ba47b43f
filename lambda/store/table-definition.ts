// The users table, as pure data. The CDK stack (lib/) and the local/test table creator
// (store/create-table.ts) both build from this one definition, so they cannot drift.

/** Attributes projected into the email index: exactly what a listing shows, never credentials. */
export const LISTED_ATTRIBUTES = [
  'name',
  'role',
  'email_verified',
  'last_login',
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
  /** Epoch seconds; DynamoDB deletes expired login-throttle, session, token, throttle and outbox items on its own. */
  timeToLiveAttribute: 'expires_at',
} as const;
