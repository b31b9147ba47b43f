// Concurrency is part of correctness: these requests really run at the same time against
// DynamoDB Local, and the invariants must hold whatever order they land in.
import { testStackForThisFile, uniqueEmail } from '../support/stack';

const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();

describe('races', () => {
  const api = testStackForThisFile({ over: 'core' });

  it('12 concurrent sign-ups with one email give exactly one 201 and eleven 409s, and the winner its one verification mail', async () => {
    const email = uniqueEmail('race');

    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        api.call('POST', '/users', {
          json: {
            email: index % 2 ? email.toUpperCase() : email,
            name: `Racer ${index}`,
            password: `password-${index}`,
          },
        }),
      ),
    );

    expect(statuses(responses)).toEqual([201, ...Array(11).fill(409)]);
    const admin = await api.newAdmin();
    const listed = await api.call('GET', '/users?limit=100', { token: admin.token });
    if (!listed.body.items) throw new Error(listed.text);
    const winners = listed.body.items.filter((user: { email: string }) => user.email === email);
    expect(winners).toHaveLength(1);
    // The losers claimed no mail slot for the address: the winner's verification went out, once.
    const mailed = await api.call('GET', `/users/${winners[0].id}/events?type=email.verification_sent`, {
      token: admin.token,
    });
    expect(mailed.body.items).toHaveLength(1);
  });

  it('concurrent email changes of different users to one address give exactly one winner', async () => {
    const admin = await api.newAdmin();
    const users = await Promise.all(Array.from({ length: 6 }, () => api.signUp()));
    const target = uniqueEmail('contested');

    const responses = await Promise.all(
      users.map((user) => api.changeUser(admin, user.id, { email: target })),
    );

    expect(statuses(responses)).toEqual([200, 409, 409, 409, 409, 409]);
    const winner = responses.findIndex((response) => response.status === 200);
    for (const [index, user] of users.entries()) {
      const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });
      expect(read.body.email).toBe(index === winner ? target : user.email);
    }
    // Each loser's old address is still theirs: its guard was not lost in the failed transaction.
    const loser = users.find((_, index) => index !== winner);
    const clash = await api.call('POST', '/users', {
      json: { email: loser?.email, name: 'Clash', password: 'password-123' },
    });
    expect(clash.status).toBe(409);
  });

  it('two concurrent writes with the same ETag give one 200 and one 412, and the winner’s write stays', async () => {
    const user = await api.signUp();

    const responses = await Promise.all(
      ['Writer A', 'Writer B'].map((name) =>
        api.call('PATCH', `/users/${user.id}`, {
          token: user.token,
          headers: { 'if-match': user.etag },
          json: { name },
        }),
      ),
    );

    expect(statuses(responses)).toEqual([200, 412]);
    const winner = responses.find((response) => response.status === 200);
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
    expect(read.body.name).toBe(winner?.body.name);
    expect(read.headers.get('etag')).toBe(winner?.headers.get('etag'));
  });

  it('concurrent partial updates of different fields without If-Match both survive', async () => {
    const admin = await api.newAdmin();
    const user = await api.signUp();
    const newEmail = uniqueEmail('merged');

    const [rename, move] = await Promise.all([
      api.changeUser(admin, user.id, { name: 'Merged Name' }),
      api.changeUser(admin, user.id, { email: newEmail }),
    ]);

    expect([rename.status, move.status]).toEqual([200, 200]);
    const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });
    expect(read.body).toMatchObject({ name: 'Merged Name', email: newEmail });
  });

  it('a delete racing an update leaves either no user or an updated one, never a half state', async () => {
    const admin = await api.newAdmin();
    const user = await api.signUp();

    const [update, remove] = await Promise.all([
      api.changeUser(admin, user.id, { email: uniqueEmail('late') }),
      api.call('DELETE', `/users/${user.id}`, { token: admin.token }),
    ]);

    expect(remove.status).toBe(204);
    expect([200, 404]).toContain(update.status);
    const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });
    expect(read.status).toBe(404);
    // Whichever email the user last had is free again: no orphaned guard.
    const emails = [user.email, update.body?.email].filter(Boolean);
    for (const email of emails) {
      const again = await api.call('POST', '/users', {
        json: { email, name: 'Again', password: 'password-123' },
      });
      expect(again.status).toBe(201);
    }
  });
});
