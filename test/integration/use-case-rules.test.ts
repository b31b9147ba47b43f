import { SYSTEM_REQUEST } from '../../lambda/audit/event';

// Each use case enforces its own authorization rule, whatever the router checked before it: a
// use case called directly (by a script, a future route, a background job) refuses the same
// callers. Called here with the test kit's dependencies, no HTTP in between.

import { createUser } from '../../lambda/account/create-user';
import { deleteUser } from '../../lambda/account/delete-user';
import { updateUser } from '../../lambda/account/update-user';
import { listEvents, listUserEvents } from '../../lambda/audit/list-events';
import { enrolTotp } from '../../lambda/mfa/enrol-totp';
import { regenerateRecoveryCodes } from '../../lambda/mfa/regenerate-recovery-codes';
import { removeTotp } from '../../lambda/mfa/remove-totp';
import { ForbiddenError, ReauthenticationRequiredError } from '../../lambda/shared/errors';
import { getUser } from '../../lambda/users/get-user';
import { listUsers } from '../../lambda/users/list-users';
import type { StoredUser } from '../../lambda/users/user';
import { startTestStack, type TestStack } from '../support/stack';

let api: TestStack;
let alice: StoredUser;
let bob: StoredUser;
let admin: StoredUser;

const stored = async (id: string): Promise<StoredUser> => {
  const user = await api.deps.repository.getById(id);
  if (!user) throw new Error(`no user ${id}`);
  return user;
};

beforeAll(async () => {
  api = await startTestStack({ over: 'core' });
  const [a, b, c] = await Promise.all([api.signUp(), api.signUp(), api.newAdmin()]);
  [alice, bob, admin] = await Promise.all([stored(a.id), stored(b.id), stored(c.id)]);
});

describe('a user acting on another user is refused by the use case itself', () => {
  it('getUser', async () => {
    await expect(getUser(api.deps, alice, bob.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('updateUser, before it reads the changes', async () => {
    let read = false;
    const changes = () => {
      read = true;
      return { name: 'Taken over' };
    };
    await expect(
      updateUser(api.deps, alice, bob.id, changes, undefined, SYSTEM_REQUEST),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(read).toBe(false);
    expect((await stored(bob.id)).name).toBe(bob.name);
  });

  it('deleteUser', async () => {
    await expect(
      deleteUser(api.deps, alice, bob.id, undefined, mustNotStepUp, SYSTEM_REQUEST),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await api.deps.repository.getById(bob.id)).toBeDefined();
  });
});

/** A step-up that must not be asked for: an admin acting on another user needs none. */
const mustNotStepUp = async (): Promise<void> => {
  throw new Error('step-up was asked for');
};
/** A caller who is not recently authenticated. */
const notRecent = async (): Promise<void> => {
  throw new ReauthenticationRequiredError('not recent');
};

describe('sensitive actions on oneself ask the step-up in the use case itself', () => {
  it('deleteUser of oneself refuses without it, and an admin deleting another needs none', async () => {
    const carol = await stored((await api.signUp()).id);
    await expect(
      deleteUser(api.deps, carol, carol.id, undefined, notRecent, SYSTEM_REQUEST),
    ).rejects.toBeInstanceOf(ReauthenticationRequiredError);
    expect(await api.deps.repository.getById(carol.id)).toBeDefined();
    await deleteUser(api.deps, admin, carol.id, undefined, mustNotStepUp, SYSTEM_REQUEST);
    expect(await api.deps.repository.getById(carol.id)).toBeUndefined();
  });

  it('enrolTotp, removeTotp and regenerateRecoveryCodes of oneself refuse without it', async () => {
    await expect(enrolTotp(api.deps, alice, alice.id, notRecent)).rejects.toBeInstanceOf(
      ReauthenticationRequiredError,
    );
    expect(await api.deps.mfa.getFactor(alice.id)).toBeUndefined();
    await expect(removeTotp(api.deps, alice, alice.id, notRecent, SYSTEM_REQUEST)).rejects.toBeInstanceOf(
      ReauthenticationRequiredError,
    );
    await expect(
      regenerateRecoveryCodes(api.deps, alice, alice.id, notRecent, SYSTEM_REQUEST),
    ).rejects.toBeInstanceOf(ReauthenticationRequiredError);
  });
});

describe('the audit listing checks its own access rule', () => {
  it("listUserEvents refuses another user's trail before it reads the query", async () => {
    let read = false;
    const query = () => {
      read = true;
      return { limit: 10 };
    };
    await expect(listUserEvents(api.deps, alice, bob.id, query)).rejects.toBeInstanceOf(ForbiddenError);
    expect(read).toBe(false);
    await expect(listUserEvents(api.deps, alice, alice.id, query)).resolves.toHaveProperty('events');
    await expect(listUserEvents(api.deps, admin, bob.id, query)).resolves.toHaveProperty('events');
  });

  it('listEvents refuses a non-admin before it reads the query, and serves an admin', async () => {
    let read = false;
    const query = () => {
      read = true;
      return { limit: 10 };
    };
    await expect(listEvents(api.deps, alice, query)).rejects.toBeInstanceOf(ForbiddenError);
    expect(read).toBe(false);
    await expect(listEvents(api.deps, admin, query)).resolves.toHaveProperty('events');
  });
});

describe('admin-only rules hold in the use cases', () => {
  it('listUsers refuses a non-admin and serves an admin', async () => {
    let read = false;
    const query = () => {
      read = true;
      return { limit: 10 };
    };
    await expect(listUsers(api.deps, alice, query)).rejects.toBeInstanceOf(ForbiddenError);
    expect(read).toBe(false);
    await expect(listUsers(api.deps, admin, query)).resolves.toHaveProperty('users');
    expect(read).toBe(true);
  });

  it('updateUser refuses a role change by a non-admin, even on their own user', async () => {
    await expect(
      updateUser(api.deps, alice, alice.id, () => ({ role: 'admin' }), undefined, SYSTEM_REQUEST),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await stored(alice.id)).role).toBe('user');
  });

  it('createUser refuses a role from anyone but an admin', async () => {
    const input = {
      email: `role-${Date.now()}@example.com`,
      name: 'Role',
      password: 'a fine password',
      role: 'admin' as const,
    };

    await expect(createUser(api.deps, undefined, input, SYSTEM_REQUEST)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createUser(api.deps, alice, input, SYSTEM_REQUEST)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(api.deps.repository.getByEmail(input.email)).resolves.toBeUndefined();
    await expect(createUser(api.deps, admin, input, SYSTEM_REQUEST)).resolves.toMatchObject({
      role: 'admin',
    });
  });

  it('an admin may act on anyone', async () => {
    await expect(getUser(api.deps, admin, bob.id)).resolves.toMatchObject({ id: bob.id });
  });
});
