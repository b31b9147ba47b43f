// What the port contract suites store: a user, a session, an audit event, each fresh and
// overridable; and the ports of one store for a describe block, with a second replica's.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../lambda/audit/event';
import type { Session } from '../../lambda/sessions/session';
import { systemClock } from '../../lambda/shared/clock';
import type { StoredUser } from '../../lambda/users/user';
import { openPorts, type PortsUnderTest, type StoreKind } from './stores';

export const FIXED_AT = '2026-12-06T00:00:00.000Z';
export const NOW_EPOCH = Math.floor(Date.now() / 1000);

export const storedUser = (overrides: Partial<StoredUser> = {}): StoredUser => ({
  id: randomUUID(),
  email: `user-${randomUUID().slice(0, 12)}@example.com`,
  name: 'Ada',
  role: 'user',
  status: 'active',
  emailVerified: false,
  mfaEnabled: false,
  lastLogin: null,
  createdAt: FIXED_AT,
  updatedAt: FIXED_AT,
  version: 1,
  passwordHash: '$2b$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0',
  tokenVersion: 0,
  ...overrides,
});

export const storedSession = (userId: string, createdAt = FIXED_AT): Session => ({
  id: randomUUID(),
  userId,
  createdAt,
  lastUsedAt: createdAt,
  expiresAt: NOW_EPOCH + 3600,
  userAgent: 'contract',
  tokenVersion: 0,
  amr: ['pwd'],
  refreshHash: randomUUID(),
  generation: 0,
  rotatedAt: null,
});

export const auditEvent = (
  type: AuditEvent['type'],
  userId: string,
  overrides: Partial<AuditEvent> = {},
): AuditEvent => ({
  id: randomUUID(),
  type,
  at: new Date().toISOString(),
  userId,
  actorId: userId,
  outcome: 'success',
  requestId: randomUUID(),
  ip: null,
  userAgent: null,
  details: {},
  ...overrides,
});

/** The ports of `kind` for the enclosing describe block, opened before it and closed after. */
export const usePorts = (kind: StoreKind): { ports: PortsUnderTest; replica: PortsUnderTest } => {
  const held = {} as { ports: PortsUnderTest; replica: PortsUnderTest };
  beforeAll(async () => {
    held.ports = await openPorts(kind, systemClock);
    held.replica = held.ports.another?.() ?? held.ports;
  });
  afterAll(() => held.ports.close());
  return held;
};
