// The one contract suite's store starter (as Ory Kratos' TestPool runs one suite on every
// database): the same ports on DynamoDB Local (a table of its own), PGlite (in memory) and a real
// PostgreSQL 15 (a database of its own), so no store can pass with a rule another breaks.

import type { AccountRepository } from '../../lambda/account/dependencies';
import type { AuditRepository } from '../../lambda/audit/repository';
import type { RateCounter } from '../../lambda/limits/rate-limits';
import type { MailRepository } from '../../lambda/mail/repository';
import type { MfaRepository } from '../../lambda/mfa/repository';
import type { SessionRepository } from '../../lambda/sessions/repository';
import { type Clock, randomIds } from '../../lambda/shared/clock';
import { DynamoDbAuditRepository } from '../../lambda/store/audit-repository';
import { DynamoDbMailRepository } from '../../lambda/store/mail-repository';
import { DynamoDbMfaRepository } from '../../lambda/store/mfa-repository';
import { DynamoDbRateCounter } from '../../lambda/store/rate-counter';
import { DynamoDbSessionRepository } from '../../lambda/store/session-repository';
import { migrate } from '../../lambda/store/sql/migrate';
import { sqlStores } from '../../lambda/store/sql/stores';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { openTestDatabase } from './sql';
import { createTestTable, deleteTestTable, testDocumentClient } from './tables';

export const STORES = ['dynamodb', 'embedded', 'postgres'] as const;
export type StoreKind = (typeof STORES)[number];

export const AUDIT_RETENTION_DAYS = 365;

export interface PortsUnderTest {
  readonly rateCounter: RateCounter;
  readonly audit: AuditRepository;
  readonly mail: MailRepository;
  readonly users: AccountRepository;
  readonly sessions: SessionRepository;
  readonly mfa: MfaRepository;
  /** Another replica's ports on the same data (PostgreSQL and DynamoDB; PGlite is one process). */
  another?(): PortsUnderTest;
  close(): Promise<void>;
}

export const openPorts = async (kind: StoreKind, clock: Clock): Promise<PortsUnderTest> => {
  if (kind === 'dynamodb') {
    const tableName = await createTestTable('contract');
    const client = testDocumentClient();
    const options = { tableName, client, auditRetentionDays: AUDIT_RETENTION_DAYS, clock, newId: randomIds };
    const ports = {
      rateCounter: new DynamoDbRateCounter(options),
      audit: new DynamoDbAuditRepository({ ...options, retentionDays: AUDIT_RETENTION_DAYS }),
      mail: new DynamoDbMailRepository(options),
      users: new DynamoDbUserRepository(options),
      sessions: new DynamoDbSessionRepository(options),
      mfa: new DynamoDbMfaRepository(options),
    };
    return {
      ...ports,
      another: () => ({ ...ports, close: async () => {} }),
      close: () => deleteTestTable(tableName),
    };
  }
  const test = await openTestDatabase(kind);
  await migrate(test.db);
  const on = (db: typeof test.db) => {
    const { repository, ...stores } = sqlStores(db, {
      auditRetentionDays: AUDIT_RETENTION_DAYS,
      clock,
      newId: randomIds,
    });
    return { ...stores, users: repository };
  };
  return {
    ...on(test.db),
    ...(kind === 'postgres' && { another: () => ({ ...on(test.another()), close: async () => {} }) }),
    close: () => test.close(),
  };
};
