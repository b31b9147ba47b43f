// The users table, as pure data. The CDK stack (lib/) and the local/test table creator
// (store/create-table.ts) both build from this one definition, so they cannot drift.

/** Attributes projected into the email index: exactly what a listing shows, never credentials. */
export const LISTED_ATTRIBUTES = [
  'name',
  'role',
  'last_login',
  'mfa_enabled',
  'created_at',
  'updated_at',
  'version',
] as const;

export const usersTable = {
  partitionKey: { name: 'id', type: 'S' },
  emailIndex: {
    name: 'email-index',
    partitionKey: { name: 'email', type: 'S' },
    // INCLUDE, not ALL: password hashes and token versions never reach the index.
    nonKeyAttributes: LISTED_ATTRIBUTES,
  },
  /** Epoch seconds; DynamoDB deletes expired login-throttle items on its own. */
  timeToLiveAttribute: 'expires_at',
} as const;
