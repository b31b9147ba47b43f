// The user, as the domain knows it. No HTTP, no DynamoDB: plain data.

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const STATUSES = ['active', 'disabled'] as const;
export type Status = (typeof STATUSES)[number];

/** What anyone allowed to see a user may see. Never a credential. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** The user has shown they read mail at `email`; false again whenever the email changes. */
  readonly emailVerified: boolean;
  /** A disabled user cannot log in and their tokens are refused. */
  readonly status: Status;
  readonly lastLogin: string | null;
  /** A second factor is enabled: login asks for it after the password. */
  readonly mfaEnabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped by every write; the ETag and the optimistic-concurrency check are built on it. */
  readonly version: number;
}

/** A user with its credentials, as stored. Stays inside the service and the repository. */
export interface StoredUser extends User {
  readonly passwordHash: string;
  /** Tokens carry the value current when they were issued; a password change bumps it, revoking them. */
  readonly tokenVersion: number;
}

/** Drops the credentials: the only way a user leaves the domain. */
export const profileOf = (user: StoredUser): User => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  emailVerified: user.emailVerified,
  status: user.status,
  lastLogin: user.lastLogin,
  mfaEnabled: user.mfaEnabled,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
  version: user.version,
});

/** Consecutive failed logins for an account from one client (source IP). */
export interface LoginFailures {
  readonly count: number;
  readonly lastFailedAt: string;
}

/** Counted by the last-admin rule: an admin who can still act as one. */
export const isActiveAdmin = (user: Pick<User, 'role' | 'status'>): boolean =>
  user.role === 'admin' && user.status === 'active';

/** Failed logins for an account from every client in the current window, and the last clear. */
