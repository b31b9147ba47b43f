// Contract: the mail flows' own storage, on every store. One mail of a kind per address per
// window, however many requests race for it; a token issued with its events in one write and
// found by its hash; a request that sends nothing stores nothing anyone can find.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../../lambda/audit/event';
import type { MailToken } from '../../../lambda/mail/mail';
import { systemClock } from '../../../lambda/shared/clock';
import { openPorts, type PortsUnderTest, STORES } from '../../support/stores';

const NOW = 1_800_000_000;
const address = () => `mail-${randomUUID().slice(0, 8)}@example.com`;

describe.each(STORES)('mail storage on %s', (kind) => {
  let ports: PortsUnderTest;
  beforeAll(async () => {
    ports = await openPorts(kind, systemClock);
  });
  afterAll(() => ports.close());

  it('gives one slot per kind and address per window, and a new one once it has passed', async () => {
    const to = address();
    expect(await ports.mail.claimMailSlot('verify-email', to, NOW, 60)).toBe(true);
    expect(await ports.mail.claimMailSlot('verify-email', to, NOW + 59, 60)).toBe(false);
    expect(await ports.mail.claimMailSlot('reset-password', to, NOW + 1, 60)).toBe(true);
    expect(await ports.mail.claimMailSlot('verify-email', address(), NOW + 1, 60)).toBe(true);
    expect(await ports.mail.claimMailSlot('verify-email', to, NOW + 60, 60)).toBe(true);
  });

  it('gives the slot to exactly one of twelve requests racing for it, across replicas', async () => {
    const to = address();
    const replicas = [ports, ports.another?.() ?? ports];
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        replicas[i % 2]?.mail.claimMailSlot('reset-password', to, NOW, 60),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('stores an issued token, found by its hash, with its events in the same write', async () => {
    const userId = randomUUID();
    const token: MailToken = {
      hash: randomUUID(),
      purpose: 'verify-email',
      userId,
      email: address(),
      expiresAt: NOW + 86_400,
    };
    const sent: AuditEvent = {
      id: randomUUID(),
      type: 'email.verification_sent',
      at: new Date().toISOString(),
      userId,
      actorId: null,
      outcome: 'success',
      requestId: randomUUID(),
      ip: null,
      userAgent: null,
      details: {},
    };
    await ports.mail.issueToken(token, { kind: 'verify-email', to: token.email, name: 'Ada', token: 'raw' }, [
      sent,
    ]);
    expect(await ports.mail.getToken(token.hash)).toEqual(token);
    const { events } = await ports.audit.list({ userId, limit: 10, position: undefined });
    expect(events).toEqual([sent]);
  });

  it('knows no token for a hash it never issued, nor for one a request that sent nothing wrote', async () => {
    const hash = randomUUID();
    await ports.mail.issueNothing('reset-password', hash, NOW);
    await ports.mail.issueNothing('reset-password', hash, NOW);
    expect(await ports.mail.getToken(hash)).toBeUndefined();
    expect(await ports.mail.getToken(randomUUID())).toBeUndefined();
  });
});
