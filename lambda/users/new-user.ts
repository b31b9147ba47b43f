// A user as first stored: shared by sign-up and the admin bootstrap.
import type { Clock, IdSource } from '../shared/clock';
import type { PasswordHasher } from '../shared/passwords';
import type { Role, StoredUser } from './user';

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly role?: Role | undefined;
  readonly emailVerified?: boolean;
}

/** The first version of a user: active, never logged in, no second factor; the address unverified unless said. */
export const firstVersionOf = (
  fields: Pick<StoredUser, 'id' | 'email' | 'name' | 'role' | 'passwordHash'> & {
    readonly emailVerified?: boolean;
    readonly at: string;
  },
): StoredUser => ({
  id: fields.id,
  email: fields.email,
  name: fields.name,
  role: fields.role,
  emailVerified: fields.emailVerified ?? false,
  status: 'active',
  passwordHash: fields.passwordHash,
  tokenVersion: 0,
  lastLogin: null,
  mfaEnabled: false,
  createdAt: fields.at,
  updatedAt: fields.at,
  version: 1,
});

export const newStoredUser = async (
  deps: { readonly passwords: PasswordHasher; readonly clock: Clock; readonly newId: IdSource },
  input: NewUser,
): Promise<StoredUser> =>
  firstVersionOf({
    id: deps.newId(),
    email: input.email,
    name: input.name,
    role: input.role ?? 'user',
    emailVerified: input.emailVerified ?? false,
    passwordHash: await deps.passwords.hash(input.password),
    at: deps.clock().toISOString(),
  });
