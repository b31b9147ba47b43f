// Audit events on SQL: the insert every repository's transaction carries beside its change (so
// there is no change without its event), and the newest-first pages of the AuditRepository port,
// keyed on (at, id) so a page costs O(page) whatever the filter. A row past its retention is
// never read, swept or not.
import type { AuditEvent } from '../../../audit/event';
import type { AuditRepository, EventPage, EventQuery } from '../../../audit/repository';
import type { Clock, IdSource } from '../../../shared/clock';
import { InvalidPositionError } from '../../../shared/paging';
import type { SqlClient, SqlDatabase } from '../database';

export const DAY_MS = 86_400_000;

/** What the repositories whose writes carry events, outbox rows and ids are built with. */
export interface WritingRepositoryOptions {
  readonly auditRetentionDays: number;
  readonly clock: Clock;
  readonly newId: IdSource;
}

/** Inserts `events` with the client given: inside a transaction, that transaction's. */
export const insertEvents = async (
  db: SqlClient,
  events: readonly AuditEvent[] | undefined,
  retentionDays: number,
): Promise<void> => {
  for (const event of events ?? []) {
    await db.query(
      `INSERT INTO audit_events
         (id, type, at, user_id, actor_id, outcome, request_id, ip, user_agent, details, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        event.id,
        event.type,
        event.at,
        event.userId,
        event.actorId,
        event.outcome,
        event.requestId,
        event.ip,
        event.userAgent,
        JSON.stringify(event.details),
        new Date(Date.parse(event.at) + retentionDays * DAY_MS).toISOString(),
      ],
    );
  }
};

interface EventRow {
  id: string;
  type: AuditEvent['type'];
  at: Date;
  user_id: string | null;
  actor_id: string | null;
  outcome: AuditEvent['outcome'];
  request_id: string;
  ip: string | null;
  user_agent: string | null;
  details: AuditEvent['details'];
}

const eventOf = (row: EventRow): AuditEvent => ({
  id: row.id,
  type: row.type,
  at: row.at.toISOString(),
  userId: row.user_id,
  actorId: row.actor_id,
  outcome: row.outcome,
  requestId: row.request_id,
  ip: row.ip,
  userAgent: row.user_agent,
  details: row.details,
});

/** A position is the last event's `at` and id: the next page starts strictly after it. */
const positionOf = (event: AuditEvent): string => JSON.stringify([event.at, event.id]);
const afterOf = (position: string): [string, string] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    throw new InvalidPositionError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    Number.isNaN(Date.parse(parsed[0])) ||
    typeof parsed[1] !== 'string'
  )
    throw new InvalidPositionError();
  return [parsed[0], parsed[1]];
};

export class SqlAuditRepository implements AuditRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: { readonly retentionDays: number; readonly clock: Clock },
  ) {}

  async record(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction((tx) => insertEvents(tx, events, this.options.retentionDays));
  }

  async list(query: EventQuery): Promise<EventPage> {
    const params: unknown[] = [this.options.clock().toISOString()];
    const where = ['expires_at > $1'];
    const add = (condition: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(condition(params.length));
    };
    if (query.userId !== undefined) add((n) => `user_id = $${n}`, query.userId);
    if (query.actorId !== undefined) add((n) => `actor_id = $${n}`, query.actorId);
    if (query.type !== undefined) add((n) => `type = $${n}`, query.type);
    if (query.position !== undefined) {
      const [at, id] = afterOf(query.position);
      params.push(at, id);
      where.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<EventRow>(
      `SELECT id, type, at, user_id, actor_id, outcome, request_id, ip, user_agent, details
       FROM audit_events WHERE ${where.join(' AND ')}
       ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const events = rows.slice(0, query.limit).map(eventOf);
    const last = events.at(-1);
    return { events, nextPosition: rows.length > query.limit && last ? positionOf(last) : null };
  }
}
