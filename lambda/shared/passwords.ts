// Password hashing with bcryptjs (pure JS: it bundles into one file, unlike native bcrypt).
import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  readonly cost: number;
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the time of one verify on nothing, so an unknown email costs what a wrong password does. */
  verifyNothing(password: string): Promise<void>;
}

export const createPasswordHasher = (cost: number): PasswordHasher => {
  let dummyHash: Promise<string> | undefined;
  return {
    cost,
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
    async verifyNothing(password) {
      dummyHash ??= bcrypt.hash('no user has this password', cost);
      await bcrypt.compare(password, await dummyHash);
    },
  };
};

/** The cost a stored hash was made with (`$2b$10$…` → 10). */
export const costOf = (hash: string): number => bcrypt.getRounds(hash);
