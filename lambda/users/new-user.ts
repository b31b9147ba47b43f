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

export const newStoredUser = async (
  deps: { readonly passwords: PasswordHasher; readonly clock: Clock; readonly newId: IdSource },
  input: NewUser,
): Promise<StoredUser> => {
  const at = deps.clock().toISOString();
  return {
    id: deps.newId(),
    email: input.email,
    name: input.name,
    role: input.role ?? 'user',
    emailVerified: input.emailVerified ?? false,
    status: 'active',
    passwordHash: await deps.passwords.hash(input.password),
    tokenVersion: 0,
    lastLogin: null,
    mfaEnabled: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};
