// Passwords: the most common ones are refused wherever a password is set, none is ever
// truncated, and every stored hash has a bcrypt cost of 10 or more.

import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { readRouterSettings } from '../../lambda/router/dependencies';
import { ConfigurationError } from '../../lambda/shared/env';
import { costOf } from '../../lambda/shared/passwords';
import { dynamoDbClient } from '../../lambda/store/dynamodb-client';
import { commonPasswords } from '../../lambda/users/common-passwords';
import { COMMON_PASSWORD_COUNT } from '../../lambda/users/common-passwords.data';
import { LocalStackError, startLocalStack } from '../../local/stack';
import { COMMON_PASSWORDS_TOP, deriveCommonPasswords } from '../../scripts/common-passwords';
import {
  type Account,
  expectProblem,
  type SecurityStack,
  securityStackForThisFile,
  uniqueEmail,
} from './support';

const COMMON_MESSAGE = 'is one of the most common passwords; choose another';

const api = securityStackForThisFile();
let user: Account;

beforeAll(async () => {
  user = await api.signUp('passwords');
});

describe('the common-password list', () => {
  it(`is the top ${COMMON_PASSWORDS_TOP} of the source ranking that the length rules let through`, () => {
    const shipped = [...commonPasswords()];

    expect(shipped).toEqual(deriveCommonPasswords());
    expect(shipped).toHaveLength(COMMON_PASSWORD_COUNT);
    expect(shipped).toEqual(expect.arrayContaining(['password', 'iloveyou', '12345678', 'qwertyuiop']));
  });
});

describe('a common password', () => {
  const refusedWithMessage = (answer: Awaited<ReturnType<SecurityStack['call']>>) => {
    expectProblem(answer, 400);
    expect(answer.body.errors).toContainEqual({ path: 'password', message: COMMON_MESSAGE });
  };

  it.each(['password', 'Password1', 'PASSWORD1', 'iloveyou', '12345678', 'qwertyuiop', 'trustno1'])(
    'is refused on sign-up, whatever its case: %s',
    async (password) => {
      const email = uniqueEmail('common');

      refusedWithMessage(await api.call('POST', '/users', { json: { email, name: 'C', password } }));
      expect((await api.call('POST', '/login', { json: { email, password } })).status).toBe(401);
    },
  );

  it('is refused as a new password on PATCH and PUT of oneself', async () => {
    const patch = await api.call('PATCH', `/users/${user.id}`, {
      token: user.token,
      json: { password: 'sunshine1', current_password: user.password },
    });
    const put = await api.call('PUT', `/users/${user.id}`, {
      token: user.token,
      json: { email: user.email, name: 'P', password: 'baseball1', current_password: user.password },
    });

    refusedWithMessage(patch);
    refusedWithMessage(put);
    expect(await api.logIn(user.email, user.password)).toEqual(expect.any(String));
  });

  it("is refused when an admin sets another user's password", async () => {
    refusedWithMessage(
      await api.call('PATCH', `/users/${user.id}`, {
        token: api.admin.token,
        json: { password: 'football' },
      }),
    );
  });

  it('is refused for the bootstrap admin, before anything starts', async () => {
    const started = startLocalStack({
      inMemory: true,
      admin: { email: 'root@example.com', password: 'letmein1' },
    });

    await expect(started).rejects.toThrow(LocalStackError);
    await expect(started).rejects.toThrow(`ADMIN_PASSWORD ${COMMON_MESSAGE}`);
  });

  it('is still accepted when presented at login: the rule is for new passwords only', async () => {
    const answer = await api.call('POST', '/login', { json: { email: uniqueEmail(), password: 'password' } });

    expectProblem(answer, 401);
  });
});

describe('truncation', () => {
  it.each([
    ['73 ASCII bytes', 'x'.repeat(73)],
    ['74 bytes of 37 two-byte characters', 'é'.repeat(37)],
    ['76 bytes of 19 four-byte emoji', '🔑'.repeat(19)],
  ])('refuses a new password of %s instead of truncating it', async (_, password) => {
    const answer = await api.call('POST', '/users', { json: { email: uniqueEmail(), name: 'T', password } });

    expectProblem(answer, 400);
    expect(answer.body.errors).toContainEqual({
      path: 'password',
      message: expect.stringContaining('72 bytes'),
    });
  });

  it.each([
    ['72 ASCII bytes', 'kx'.repeat(36), `${'kx'.repeat(36)}k`],
    ['72 bytes of two-byte characters', 'éè'.repeat(18), `${'éè'.repeat(18)}x`],
  ])('accepts %s, and no other password shares its hash', async (_, password, impostor) => {
    const email = uniqueEmail('edge');
    expect((await api.call('POST', '/users', { json: { email, name: 'E', password } })).status).toBe(201);

    const wrong = await api.call('POST', '/login', { json: { email, password: impostor } });
    const right = await api.call('POST', '/login', { json: { email, password } });

    expectProblem(wrong, 401);
    expect(right.status).toBe(200);
  });
});

it('refuses a NUL byte (where C bcrypt would stop) as a control character', async () => {
  const answer = await api.call('POST', '/users', {
    json: { email: uniqueEmail('nul'), name: 'N', password: 'abc\u0000defghijk' },
  });
  expectProblem(answer, 400);
  expect(answer.body.errors).toContainEqual({
    path: 'password',
    message: 'must not contain control characters',
  });
});

describe('bcrypt cost', () => {
  it('is 10 or more in every hash stored in the table', async () => {
    const { Items = [] } = await dynamoDbClient().send(
      new ScanCommand({ TableName: api.stack.tableName, ProjectionExpression: 'password_hash' }),
    );
    const hashes = Items.flatMap((item) => (item.password_hash?.S ? [item.password_hash.S] : []));

    expect(hashes.length).toBeGreaterThanOrEqual(2);
    for (const hash of hashes) {
      expect(hash).toMatch(/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/);
      expect(costOf(hash)).toBeGreaterThanOrEqual(10);
    }
  });

  describe('configuration', () => {
    const settingsWith = (env: Record<string, string>) => readRouterSettings({ TABLE_NAME: 'users', ...env });

    it.each(['9', '4', '0', '-1', '10.5', 'ten'])('refuses BCRYPT_COST=%s', (cost) => {
      expect(() => settingsWith({ BCRYPT_COST: cost })).toThrow(ConfigurationError);
    });

    it('defaults to 10 and accepts 10 to 15', () => {
      expect(settingsWith({}).bcryptCost).toBe(10);
      expect(settingsWith({ BCRYPT_COST: '12' }).bcryptCost).toBe(12);
      expect(settingsWith({ BCRYPT_COST: '15' }).bcryptCost).toBe(15);
    });
  });
});
