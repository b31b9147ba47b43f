// An audit event, as the domain knows it: who did what to whom, when, from where, and how it
// ended. Written in the same transaction as the change it records (see WriteOptions), so there
// is no change without its event. Never carries a secret: details hold names, never values.
import type { Clock, IdSource } from '../shared/clock';

/** Every event type. Other domains (sessions, email, mfa) add theirs here. */
export const AUDIT_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.disabled',
  'user.enabled',
  'login.succeeded',
  'login.failed',
  'login.locked',
  'password.changed',
  'session.ended',
  'session.reuse_detected',
  'password.reset_requested',
  'password.reset',
  'email.verification_sent',
  'email.verified',
  'mfa.enrolled',
  'mfa.removed',
  'mfa.failed',
  'mfa.recovery_codes_replaced',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditOutcome = 'success' | 'failure';

/** Small, flat, secret-free facts: field names, reasons, counts. */
export type AuditDetails = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/**
 * Where a request came from, as the domain sees it (the router builds it from the HTTP API
 * request context): no HTTP types cross into the use cases.
 */
export interface RequestMeta {
  readonly requestId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** For writes not caused by a request: the admin bootstrap, scripts. */
export const SYSTEM_REQUEST: RequestMeta = { requestId: 'system', ip: null, userAgent: null };

export interface AuditEvent {
  readonly id: string;
  readonly type: AuditEventType;
  readonly at: string;
  /** The user it concerns; null for a failed login of an unknown email. */
  readonly userId: string | null;
  /** Who acted; null when anonymous. */
  readonly actorId: string | null;
  readonly outcome: AuditOutcome;
  readonly requestId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly details: AuditDetails;
}

/** An event's fields under their snake_case names: as the API shows them, and as the table keeps them. */
export const snakeCaseEvent = (event: AuditEvent) => ({
  type: event.type,
  at: event.at,
  user_id: event.userId,
  actor_id: event.actorId,
  outcome: event.outcome,
  request_id: event.requestId,
  ip: event.ip,
  user_agent: event.userAgent,
  details: event.details,
});

export interface AuditContext {
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly meta: RequestMeta;
}

export interface EventFacts {
  readonly type: AuditEventType;
  readonly userId: string | null;
  readonly actorId: string | null;
  readonly outcome?: AuditOutcome;
  readonly details?: AuditDetails;
}

export const auditEvent = (context: AuditContext, facts: EventFacts): AuditEvent => ({
  id: context.newId(),
  type: facts.type,
  at: context.clock().toISOString(),
  userId: facts.userId,
  actorId: facts.actorId,
  outcome: facts.outcome ?? 'success',
  requestId: context.meta.requestId,
  ip: context.meta.ip,
  userAgent: context.meta.userAgent,
  details: facts.details ?? {},
});

/** What a repository write carries besides its own items: the events that record it. */
export interface WriteOptions {
  readonly events?: readonly AuditEvent[];
}
