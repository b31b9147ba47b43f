// The use cases of the users domain: who may do what, password and token rules, and the
// read-check-write cycles that keep concurrent writers from losing each other's changes.
// It speaks in domain terms only; the router adapts HTTP to it, the repository adapts DynamoDB.
import { randomUUID } from 'node:crypto';
import type { CursorSealer } from '../shared/cursor';
import {
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  PreconditionFailedError,
  TooManyAttemptsError,
  UnauthenticatedError,
  ValidationError,
} from '../shared/errors';
import type { PasswordHasher } from '../shared/passwords';
import type { TokenService } from '../shared/token-issuer';
import type { TokenClaims } from '../shared/tokens';
import { WriteContentionError } from './errors';
import { FREE_FAILURES, failureMemorySeconds, lockSeconds, retryAfterSeconds } from './login-throttle';
import { type NewUser, newStoredUser } from './new-user';
import { InvalidPositionError, StaleVersionError, type UserRepository } from './repository';
import { PASSWORD_MAX_BYTES } from './schemas';
import { type LoginFailures, profileOf, type Role, type StoredUser, type User } from './user';

export interface UserChanges {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly password?: string | undefined;
  readonly role?: Role | undefined;
  readonly currentPassword?: string | undefined;
}

/**
 * The versions a writer says it last saw (from If-Match). `any` matches every existing user;
 * undefined means the writer made no claim, and concurrent changes are merged by retrying.
 */
export type ExpectedVersions = readonly number[] | 'any' | undefined;

export interface LoginResult {
  readonly token: string;
  readonly expiresIn: number;
  readonly user: User;
}

export interface UserListPage {
  readonly users: readonly User[];
  readonly nextCursor: string | null;
}

export interface UserServiceDependencies {
  readonly repository: UserRepository;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly cursors: CursorSealer;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_WRITE_ATTEMPTS = 5;

export class UserService {
  private readonly repository: UserRepository;
  private readonly passwords: PasswordHasher;
  private readonly tokens: TokenService;
  private readonly cursors: CursorSealer;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(dependencies: UserServiceDependencies) {
    this.repository = dependencies.repository;
    this.passwords = dependencies.passwords;
    this.tokens = dependencies.tokens;
    this.cursors = dependencies.cursors;
    this.now = dependencies.now ?? (() => new Date());
    this.newId = dependencies.newId ?? randomUUID;
  }

  /**
   * Turns verified token claims into the caller as stored now. A token outlives neither its
   * user nor a password change, and the stored role — not the token's — decides what it may do.
   */
  async authenticate(claims: TokenClaims): Promise<StoredUser> {
    if (claims.exp * 1000 <= this.now().getTime()) throw new UnauthenticatedError('The token has expired.');
    const caller = UUID.test(claims.sub) ? await this.repository.getById(claims.sub) : undefined;
    if (!caller || caller.tokenVersion !== claims.tv) {
      throw new UnauthenticatedError('The token is no longer valid; log in again.');
    }
    return caller;
  }

  /** Verifies a bearer token sent to a public route; a bad one is refused, never ignored. */
  async authenticateToken(token: string): Promise<StoredUser> {
    const claims = await this.tokens.verify(token).catch(() => {
      throw new UnauthenticatedError('The bearer token is not valid.');
    });
    return this.authenticate(claims);
  }

  async signUp(caller: StoredUser | undefined, input: NewUser): Promise<User> {
    if (input.role !== undefined && caller?.role !== 'admin') {
      throw new ForbiddenError('Only an admin may set a role.');
    }
    const user = await newStoredUser(
      { passwords: this.passwords, clock: this.now, newId: this.newId },
      input,
    );
    await this.repository.create(user);
    return profileOf(user);
  }

  async login(email: string, password: string): Promise<LoginResult> {
    const now = this.now();
    const [failures, user] = await Promise.all([
      this.activeLoginFailures(email, now),
      this.repository.getByEmail(email),
    ]);
    // During a lock even the right password is refused, so guessing gains nothing.
    const retryAfter = retryAfterSeconds(failures, now);
    if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);

    if (!user || !(await this.passwordMatches(user, password))) {
      if (!user) await this.passwords.verifyNothing(password);
      throw await this.loginFailed(email, now, new InvalidCredentialsError());
    }
    // Independent writes: one round trip, not two.
    const [loggedIn] = await Promise.all([
      this.repository.recordLogin(user.id, now.toISOString()),
      failures ? this.repository.clearLoginFailures(email) : undefined,
    ]);
    if (!loggedIn) throw new InvalidCredentialsError();
    const { token, expiresIn } = await this.tokens.issue(
      { sub: loggedIn.id, role: loggedIn.role, amr: ['pwd'], tv: loggedIn.tokenVersion },
      now,
    );
    return { token, expiresIn, user: profileOf(loggedIn) };
  }

  async get(caller: StoredUser, id: string): Promise<User> {
    return profileOf(await this.target(caller, id));
  }

  async list(caller: StoredUser, limit: number, cursor: string | undefined): Promise<UserListPage> {
    if (caller.role !== 'admin') throw new ForbiddenError('Only an admin may list users.');
    const position = cursor === undefined ? undefined : this.cursors.open(cursor);
    if (cursor !== undefined && position === undefined) throw invalidCursor();
    try {
      const page = await this.repository.list(limit, position);
      return {
        users: page.users,
        nextCursor: page.nextPosition === null ? null : this.cursors.seal(page.nextPosition),
      };
    } catch (error) {
      if (error instanceof InvalidPositionError) throw invalidCursor();
      throw error;
    }
  }

  /**
   * Changes the fields given, and only those. PUT is the case where email, name and password
   * are all given (its schema requires them); PATCH gives any non-empty subset.
   */
  async update(
    caller: StoredUser,
    id: string,
    changes: UserChanges,
    expected: ExpectedVersions,
  ): Promise<User> {
    if (changes.role !== undefined && caller.role !== 'admin') {
      throw new ForbiddenError('Only an admin may change a role.');
    }
    const first = await this.target(caller, id);
    checkExpected(first, expected);
    if (caller.id === first.id && (changes.password !== undefined || changes.email !== undefined)) {
      await this.confirmCurrentPassword(caller, changes.currentPassword);
    }
    // Hash once, outside the retry loop: bcrypt is the expensive part.
    const passwordHash =
      changes.password === undefined ? undefined : await this.passwords.hash(changes.password);

    return this.writeWithRetry(first, id, expected, async (current) => {
      const next: StoredUser = {
        ...current,
        email: changes.email ?? current.email,
        name: changes.name ?? current.name,
        role: changes.role ?? current.role,
        passwordHash: passwordHash ?? current.passwordHash,
        // A new password revokes every token issued before it.
        tokenVersion: passwordHash === undefined ? current.tokenVersion : current.tokenVersion + 1,
      };
      const unchanged =
        passwordHash === undefined &&
        next.email === current.email &&
        next.name === current.name &&
        next.role === current.role;
      if (unchanged) return current;
      const written = { ...next, version: current.version + 1, updatedAt: this.now().toISOString() };
      await this.repository.replace(current, written);
      return written;
    }).then(profileOf);
  }

  async remove(caller: StoredUser, id: string, expected: ExpectedVersions): Promise<void> {
    const first = await this.target(caller, id);
    checkExpected(first, expected);
    await this.writeWithRetry(first, id, expected, async (current) => {
      await this.repository.delete(current);
      return current;
    });
  }

  /** The user a caller acts on: themselves, or anyone for an admin. Others are refused before any look-up. */
  private async target(caller: StoredUser, id: string): Promise<StoredUser> {
    if (caller.id === id) return caller;
    if (caller.role !== 'admin') throw new ForbiddenError('You may only act on your own user.');
    const user = UUID.test(id) ? await this.repository.getById(id) : undefined;
    if (!user) throw new NotFoundError(`No user has the id ${JSON.stringify(id)}.`);
    return user;
  }

  /**
   * Applies `write` to the freshest copy of the user. With an If-Match version, a version that
   * moved on is a 412: the writer's view is stale. Without one (or with `*`), a conflicting write
   * is re-read and re-applied, so two partial updates of different fields both survive.
   */
  private async writeWithRetry(
    first: StoredUser,
    id: string,
    expected: ExpectedVersions,
    write: (current: StoredUser) => Promise<StoredUser>,
  ): Promise<StoredUser> {
    let current = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(current);
      } catch (error) {
        if (!(error instanceof StaleVersionError)) throw error;
        if (Array.isArray(expected)) throw new PreconditionFailedError('The user changed since you read it.');
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteContentionError();
      }
      const fresh = await this.repository.getById(id);
      if (!fresh) throw new NotFoundError(`No user has the id ${JSON.stringify(id)}.`);
      current = fresh;
    }
  }

  private async confirmCurrentPassword(
    caller: StoredUser,
    currentPassword: string | undefined,
  ): Promise<void> {
    if (currentPassword === undefined) {
      throw new ValidationError('Changing your own email or password needs your current password.', [
        { path: 'current_password', message: 'is required to change your own email or password' },
      ]);
    }
    const now = this.now();
    const retryAfter = retryAfterSeconds(await this.activeLoginFailures(caller.email, now), now);
    if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
    if (await this.passwordMatches(caller, currentPassword)) return;
    // A wrong current password is a failed login: it feeds the same back-off.
    throw await this.loginFailed(
      caller.email,
      now,
      new ValidationError('The current password is incorrect.', [
        { path: 'current_password', message: 'is incorrect' },
      ]),
    );
  }

  /** Constant work: an unknown user (see login) or an over-long password costs one bcrypt compare too. */
  private async passwordMatches(user: StoredUser, password: string): Promise<boolean> {
    // bcrypt would compare only the first 72 bytes; a longer password can never be the stored one.
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
      await this.passwords.verifyNothing(password);
      return false;
    }
    return this.passwords.verify(password, user.passwordHash);
  }

  private async activeLoginFailures(email: string, now: Date): Promise<LoginFailures | undefined> {
    const failures = await this.repository.getLoginFailures(email);
    const forgotten =
      failures && Date.parse(failures.lastFailedAt) + failureMemorySeconds * 1000 <= now.getTime();
    return forgotten ? undefined : failures;
  }

  /** Counts a failure; from the sixth in a row the answer becomes a 429 instead of `otherwise`. */
  private async loginFailed(email: string, now: Date, otherwise: Error): Promise<Error> {
    const failures = await this.repository.addLoginFailure(email, now.toISOString(), failureMemorySeconds);
    return failures.count > FREE_FAILURES ? new TooManyAttemptsError(lockSeconds(failures.count)) : otherwise;
  }
}

const checkExpected = (user: StoredUser, expected: ExpectedVersions): void => {
  if (expected === undefined || expected === 'any') return;
  if (!expected.includes(user.version))
    throw new PreconditionFailedError('The user changed since you read it.');
};

const invalidCursor = (): ValidationError =>
  new ValidationError('The cursor is not valid; start again without one.', [
    { path: 'cursor', message: 'is not valid' },
  ]);
