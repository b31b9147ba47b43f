// The base every repository on the one table is built from: its name, the shared client, and the
// writer that puts audit events into the same transaction as the change they record.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditEventWriter } from './audit-repository';

/** What every repository on the table is built from. */
export interface TableRepositoryOptions {
  readonly tableName: string;
  /** Made by createDocumentClient(); the repository never makes its own. */
  readonly client: DynamoDBDocumentClient;
  /** Retention of the audit events this repository's writes carry. */
  readonly auditRetentionDays?: number;
}

/** The base of the repositories whose writes carry audit events: the table, its client, the event writer. */
export abstract class TableRepository {
  protected readonly tableName: string;
  protected readonly client: DynamoDBDocumentClient;
  protected readonly audit: AuditEventWriter;

  constructor({ tableName, client, auditRetentionDays }: TableRepositoryOptions) {
    this.tableName = tableName;
    this.client = client;
    this.audit = new AuditEventWriter(tableName, auditRetentionDays);
  }
}
