// Contract: the audit trail's reads, on every store. Newest first under each filter the API
// offers, paged with opaque positions that reach every event once, and a position that is not
// the store's refused as such.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditEventType } from '../../../lambda/audit/event';
import type { EventFilters } from '../../../lambda/audit/repository';
import { systemClock } from '../../../lambda/shared/clock';
import { InvalidPositionError } from '../../../lambda/shared/paging';
import { openPorts, type PortsUnderTest, STORES } from '../../support/stores';

const event = (
  type: AuditEventType,
  at: string,
  userId: string | null,
  actorId: string | null = userId,
): AuditEvent => ({
  id: randomUUID(),
  type,
  at,
  userId,
  actorId,
  outcome: type === 'login.failed' ? 'failure' : 'success',
  requestId: randomUUID(),
  ip: '203.0.113.9',
  userAgent: 'contract',
  details: type === 'user.updated' ? { fields: ['name'] } : {},
});

describe.each(STORES)('audit events on %s', (kind) => {
  let ports: PortsUnderTest;
  let ada: string;
  let admin: string;
  let events: AuditEvent[];
  beforeAll(async () => {
    ports = await openPorts(kind, systemClock);
    ada = randomUUID();
    admin = randomUUID();
    const at = (second: number) => new Date(Date.now() - 60_000 + second * 1000).toISOString();
    events = [
      event('user.created', at(1), ada, null),
      event('login.succeeded', at(2), ada),
      event('user.updated', at(3), ada),
      event('user.disabled', at(4), ada, admin),
      event('login.failed', at(5), ada, null),
      event('user.enabled', at(6), ada, admin),
    ];
    await ports.audit.record(events.slice(0, 3));
    await ports.audit.record(events.slice(3));
  });
  afterAll(() => ports.close());

  const all = async (filters: EventFilters, limit = 100): Promise<AuditEvent[]> => {
    const found: AuditEvent[] = [];
    let position: string | undefined;
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await ports.audit.list({ ...filters, limit, position });
      found.push(...page.events);
      if (page.nextPosition === null) return found;
      position = page.nextPosition;
    }
    throw new Error('the listing never ended');
  };
  const newestFirst = (list: AuditEvent[]) => [...list].reverse();

  it('lists a user’s events newest first, as they were written', async () => {
    expect(await all({ userId: ada })).toEqual(newestFirst(events));
  });

  it('filters by type, by actor, and by both with the user', async () => {
    expect(await all({ userId: ada, type: 'login.failed' })).toEqual([events[4]]);
    expect(await all({ actorId: admin })).toEqual(newestFirst([events[3], events[5]] as AuditEvent[]));
    expect(await all({ userId: ada, actorId: admin, type: 'user.disabled' })).toEqual([events[3]]);
    expect(await all({ actorId: admin, type: 'user.enabled' })).toEqual([events[5]]);
  });

  it('pages through every event exactly once, in order', async () => {
    expect(await all({ userId: ada }, 2)).toEqual(newestFirst(events));
    const first = await ports.audit.list({ userId: ada, limit: 4, position: undefined });
    expect(first.events).toEqual(newestFirst(events).slice(0, 4));
    expect(first.nextPosition).not.toBeNull();
  });

  it('finds recent events in the whole trail and by type alone', async () => {
    const latest = await ports.audit.list({ type: 'user.enabled', limit: 100, position: undefined });
    expect(latest.events.map((e) => e.id)).toContain(events[5]?.id);
    expect(latest.events.every((e) => e.type === 'user.enabled')).toBe(true);
  });

  it('refuses a position it did not make', async () => {
    await expect(ports.audit.list({ userId: ada, limit: 2, position: 'not a position' })).rejects.toThrow(
      InvalidPositionError,
    );
  });
});
