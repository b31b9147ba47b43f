// Password hashing with bcryptjs (pure JS: it bundles into one file, unlike native bcrypt).
// bcryptjs is imported on first use: only the routes that hash or check a password need it, and
// in the one-file bundle a module reached only through import() is not evaluated at cold start.
type Bcrypt = typeof import('bcryptjs');

let loaded: Promise<Bcrypt> | undefined;
const bcrypt = (): Promise<Bcrypt> => {
  loaded ??= import('bcryptjs').then((module) => (module.default ?? module) as Bcrypt);
  return loaded;
};

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
    hash: async (password) => (await bcrypt()).hash(password, cost),
    verify: async (password, hash) => (await bcrypt()).compare(password, hash),
    async verifyNothing(password) {
      dummyHash ??= bcrypt().then((b) => b.hash('no user has this password', cost));
      await (await bcrypt()).compare(password, await dummyHash);
    },
  };
};

/** The cost a stored hash was made with (`$2b$10$…` → 10), read as bcryptjs's getRounds reads it. */
export const costOf = (hash: string): number => Number.parseInt(hash.split('$')[2] ?? '', 10);
