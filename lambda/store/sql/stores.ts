// Every repository the router reaches, on one SQL database: what the server's SQL store hands
// the router in place of DynamoDB's (its RouterStores).
import type { SqlDatabase } from './database';
import { SqlAuditRepository, type WritingRepositoryOptions } from './repositories/audit-events';
import { SqlMailRepository } from './repositories/mail';
import { SqlMfaRepository } from './repositories/mfa';
import { sqlRateCounter } from './repositories/rate-counter';
import { SqlSessionRepository } from './repositories/sessions';
import { SqlUserRepository } from './repositories/users';

export const sqlStores = (db: SqlDatabase, options: WritingRepositoryOptions) => ({
  repository: new SqlUserRepository(db, options),
  mail: new SqlMailRepository(db, options),
  mfa: new SqlMfaRepository(db, options),
  sessions: new SqlSessionRepository(db, options),
  audit: new SqlAuditRepository(db, { retentionDays: options.auditRetentionDays, clock: options.clock }),
  rateCounter: sqlRateCounter(db),
});
