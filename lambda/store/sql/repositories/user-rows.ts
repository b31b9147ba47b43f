// A user's row and its reads, shared by the repositories whose transactions read users
// (users, sessions): the columns in one place.
import type { Role, Status, StoredUser } from '../../../users/user';
import type { SqlClient } from '../database';

export const USER_COLUMNS =
  'id, email, name, role, status, email_verified, mfa_enabled, last_login, created_at, updated_at, version, password_hash, token_version';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: Status;
  email_verified: boolean;
  mfa_enabled: boolean;
  last_login: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  password_hash: string;
  token_version: number;
}

export const userOf = (row: UserRow): StoredUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  status: row.status,
  emailVerified: row.email_verified,
  mfaEnabled: row.mfa_enabled,
  lastLogin: row.last_login?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  version: row.version,
  passwordHash: row.password_hash,
  tokenVersion: row.token_version,
});

export const selectUser = async (db: SqlClient, id: string): Promise<StoredUser | undefined> => {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] && userOf(rows[0]);
};
