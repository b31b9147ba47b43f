// What the trail and the table hold after the flows a user or an attacker can drive: the session
// events of logout, revocation and refresh reuse; an event's expiry in epoch seconds; the decoy
// items an unknown address costs; and passwords compared in NFKC whichever form was typed first.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestClock } from '../support/clock';
import { startTestStack, type TestStack, uniqueEmail } from '../support/stack';
import { testDocumentClient } from '../support/tables';

const clock = createTestClock('2026-11-28T12:00:00.000Z');
let api: TestStack;

beforeAll(async () => {
  api = await startTestStack({ over: 'core', clock: clock.now });
});
afterAll(async () => {
  await api?.close();
});

const eventsOf = async (userId: string, type: string) => {
  const admin = await api.newAdmin();
  const answer = await api.call('GET', `/users/${userId}/events?type=${type}`, { token: admin.token });
  return answer.body.items as { details: Record<string, unknown>; at: string; id: string }[];
};

/** Every item of the table whose id starts with `prefix` (a consistent scan). */
const itemsStartingWith = async (prefix: string): Promise<Record<string, unknown>[]> => {
  const client = testDocumentClient();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: api.tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(id, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

describe('session events', () => {
  it('records session.ended for a logout and a revocation, and session.reuse_detected for a replayed refresh token', async () => {
    const user = await api.signUp('sessions');
    const login = () => api.call('POST', '/login', { json: { email: user.email, password: user.password } });
    const [toLogOut, toRevoke, toReuse] = [await login(), await login(), await login()];

    expect((await api.call('POST', '/logout', { token: toLogOut.body.token })).status).toBe(204);
    const revokedId = (await api.call('GET', `/users/${user.id}/sessions`, { token: user.token })).body.items
      .map((session: { id: string }) => session.id)
      .find((id: string) => toRevoke.body.refresh_token.startsWith(id));
    expect(
      (await api.call('DELETE', `/users/${user.id}/sessions/${revokedId}`, { token: user.token })).status,
    ).toBe(204);
    const old = toReuse.body.refresh_token;
    expect((await api.call('POST', '/refresh', { json: { refresh_token: old } })).status).toBe(200);
    clock.advance(31);
    expect((await api.call('POST', '/refresh', { json: { refresh_token: old } })).status).toBe(401);

    const ended = await eventsOf(user.id, 'session.ended');
    expect(ended.map((event) => event.details.reason).sort()).toEqual([
      'logout',
      'reuse_detected',
      'revoked',
    ]);
    expect(ended.find((event) => event.details.reason === 'revoked')?.details.session_id).toBe(revokedId);
    expect(await eventsOf(user.id, 'session.reuse_detected')).toHaveLength(1);
  });
});

describe('the table', () => {
  it("keeps an event until its time plus the retention, in epoch seconds (the table's TTL unit)", async () => {
    const user = await api.signUp('retained');
    const [created] = await eventsOf(user.id, 'user.created');
    const [item] = await itemsStartingWith(`event#${created?.id}`);

    expect(item?.expires_at).toBe(Math.floor(Date.parse(created?.at ?? '') / 1000) + 365 * 24 * 3600);
  });

  it('writes the decoy items for an address with no account, as many as a real mail would', async () => {
    const before = (await itemsStartingWith('mail-decoy#')).length;
    clock.advance(61);
    expect(
      (await api.call('POST', '/password-reset', { json: { email: uniqueEmail('nobody') } })).status,
    ).toBe(202);
    const afterReset = (await itemsStartingWith('mail-decoy#')).length;
    expect(
      (await api.call('POST', '/email-verification', { json: { email: uniqueEmail('nobody') } })).status,
    ).toBe(202);
    const afterVerification = (await itemsStartingWith('mail-decoy#')).length;

    // A reset writes its token, pointer, outbox item and event; a verification all but the pointer.
    expect(afterReset - before).toBe(4);
    expect(afterVerification - afterReset).toBe(3);
  });
});

describe('passwords in NFKC', () => {
  it('signs up with a decomposed password and logs in with it precomposed', async () => {
    const decomposed = 'cafe\u0301 au lait, tre\u0300s bien';
    const precomposed = decomposed.normalize('NFC');
    expect(precomposed).not.toBe(decomposed);
    const user = await api.signUp({ password: decomposed });

    const login = await api.call('POST', '/login', { json: { email: user.email, password: precomposed } });

    expect(login.status).toBe(200);
  });
});
