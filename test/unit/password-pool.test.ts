// bcrypt on worker threads: the pool's hashes are bcrypt hashes the inline hasher accepts and the
// other way round, so a server and a Lambda can share one store.
import { costOf, createPasswordHasher } from '../../lambda/shared/passwords';
import { createPasswordPool, type PasswordPool } from '../../server/password-pool';

describe('password pool', () => {
  let pool: PasswordPool;
  beforeAll(() => {
    pool = createPasswordPool(10, 2);
  });
  afterAll(() => pool.close());

  it('hashes on a worker and verifies what it hashed, refusing another password', async () => {
    const hash = await pool.hash('correct horse battery');
    expect(costOf(hash)).toBe(10);
    expect(hash).not.toContain('correct horse');
    await expect(pool.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(pool.verify('wrong horse battery', hash)).resolves.toBe(false);
  });

  it('agrees with the inline hasher both ways', async () => {
    const inline = createPasswordHasher(10);
    await expect(pool.verify('shared secret one', await inline.hash('shared secret one'))).resolves.toBe(
      true,
    );
    await expect(inline.verify('shared secret two', await pool.hash('shared secret two'))).resolves.toBe(
      true,
    );
  });

  it('answers many jobs at once, each with its own result', async () => {
    const passwords = Array.from({ length: 6 }, (_, i) => `parallel password ${i}`);
    const hashes = await Promise.all(passwords.map((password) => pool.hash(password)));
    const checks = await Promise.all(
      hashes.map((hash, i) => pool.verify(passwords[(i + 1) % 6] ?? '', hash)),
    );
    expect(checks).toEqual(Array(6).fill(false));
    await expect(pool.verifyNothing('any password')).resolves.toBeUndefined();
  });
});
