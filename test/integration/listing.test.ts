import { randomUUID } from 'node:crypto';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { createTestApi, type TestApi, uniqueEmail } from '../support/api';
import { testDocumentClient } from '../support/tables';

describe('GET /users', () => {
  let api: TestApi;
  let adminToken: string;
  const created = new Set<string>();

  beforeAll(async () => {
    api = await createTestApi();
    const admin = await api.admin();
    adminToken = admin.token;
    created.add(admin.id);
    // Users written straight through the repository, sharing one hash: sign-up is covered
    // elsewhere, and 70 bcrypt hashes would only slow the suite down.
    const repository = new DynamoDbUserRepository({ tableName: api.tableName, client: testDocumentClient() });
    const at = new Date().toISOString();
    // Ten at a time: seventy transactions at once can outlast the client's bounded timeouts
    // on a busy machine, which is not what this file tests.
    const seed = (index: number) => {
      const id = randomUUID();
      created.add(id);
      return repository.create({
        id,
        email: uniqueEmail(`page${index}`),
        name: `Paged ${index}`,
        role: 'user',
        emailVerified: false,
        status: 'active',
        passwordHash: '$2b$10$abcdefghijklmnopqrstuu0123456789012345678901234567890',
        tokenVersion: 0,
        lastLogin: null,
        mfaEnabled: false,
        createdAt: at,
        updatedAt: at,
        version: 1,
      });
    };
    for (let first = 0; first < 70; first += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, offset) => seed(first + offset)));
    }
  });

  it('returns 25 users by default with an opaque next_cursor', async () => {
    const response = await api.call('GET', '/users', { token: adminToken });

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.items).toHaveLength(25);
    expect(typeof response.body.next_cursor).toBe('string');
    expect(response.body.next_cursor).not.toMatch(/email|#|\{/);
    expect(Object.keys(response.body.items[0]).sort()).toEqual(
      [
        'created_at',
        'email',
        'email_verified',
        'id',
        'last_login',
        'mfa_enabled',
        'name',
        'role',
        'status',
        'updated_at',
      ].sort(),
    );
  });

  it('walks more than three pages with no duplicates, no gaps and no guard items', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=20&cursor=${encodeURIComponent(cursor)}` : '?limit=20';
      const response = await api.call('GET', `/users${query}`, { token: adminToken });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(20);
      seen.push(...response.body.items.map((user: { id: string }) => user.id));
      cursor = response.body.next_cursor;
      pages++;
    } while (cursor);

    expect(pages).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(created);
  });

  it('ends with next_cursor null', async () => {
    const response = await api.call('GET', '/users?limit=100', { token: adminToken });

    expect(response.body.items).toHaveLength(created.size);
    expect(response.body.next_cursor).toBeNull();
  });

  it('refuses a tampered cursor with 400', async () => {
    const first = await api.call('GET', '/users?limit=5', { token: adminToken });
    const cursor: string = first.body.next_cursor;
    // The cursor is encrypted: flip one bit of the sealed position and keep its tag.
    const [payload, tag] = cursor.split('.');
    const sealed = Buffer.from(payload ?? '', 'base64url');
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 1) ^ 1, sealed.length - 1);
    const forged = `${sealed.toString('base64url')}.${tag}`;

    const tampered = await api.call('GET', `/users?cursor=${encodeURIComponent(forged)}`, {
      token: adminToken,
    });
    const truncated = await api.call('GET', `/users?cursor=${encodeURIComponent(cursor.slice(0, -2))}`, {
      token: adminToken,
    });

    expect(tampered.status).toBe(400);
    expect(tampered.body.errors).toEqual([{ path: 'cursor', message: 'is not valid' }]);
    expect(truncated.status).toBe(400);
  });
});
