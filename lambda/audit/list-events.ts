// Use cases: read the audit trail, newest first, a page at a time. A user reads their own
// events; an admin reads anyone's, and the whole trail with filters. Events outlive their user,
// so an admin asking for a deleted user's events gets them, not a 404.

import type { CursorSealer } from '../shared/cursor';
import { ForbiddenError } from '../shared/errors';
import { type ListPage, type PageRequest, readPage } from '../shared/paging';
import type { AuditEvent } from './event';
import type { AuditRepository, EventFilters } from './repository';

export interface EventListPage extends ListPage {
  readonly events: readonly AuditEvent[];
}

export interface EventListRequest extends PageRequest, EventFilters {}

/**
 * What reading the trail needs to know of the caller (a user, as the router authenticated it).
 * Audit sits below the users domain, so it names only these two fields.
 */
export interface Reader {
  readonly id: string;
  readonly role: string;
}

interface Deps {
  readonly audit: AuditRepository;
  readonly cursors: CursorSealer;
}

const page = async (deps: Deps, { cursor, ...query }: EventListRequest): Promise<EventListPage> => {
  const read = await readPage(deps.cursors, cursor, (position) => deps.audit.list({ ...query, position }));
  return { events: read.page.events, nextCursor: read.nextCursor };
};

export const listUserEvents = async (
  deps: Deps,
  caller: Reader,
  userId: string,
  /** Read after the rule: another's id is a 403 whatever the query says. */
  request: () => Omit<EventListRequest, 'userId' | 'actorId'>,
): Promise<EventListPage> => {
  if (caller.id !== userId && caller.role !== 'admin') {
    throw new ForbiddenError('You may only read your own events.');
  }
  const read = await page(deps, { ...request(), userId });
  return caller.role === 'admin' ? read : { ...read, events: read.events.map(asSeenBy(caller)) };
};

/**
 * An event as a user who is not an admin sees it in their own trail: what another actor (an admin)
 * did to them, by whom, but not where that actor was (`ip`, `user_agent`).
 */
const asSeenBy =
  (reader: Reader) =>
  (event: AuditEvent): AuditEvent =>
    event.actorId !== null && event.actorId !== reader.id ? { ...event, ip: null, userAgent: null } : event;

export const listEvents = async (
  deps: Deps,
  caller: Reader,
  /** Read after the rule: a non-admin learns nothing from the query's errors. */
  request: () => EventListRequest,
): Promise<EventListPage> => {
  if (caller.role !== 'admin') throw new ForbiddenError('Only an admin may read the audit trail.');
  return page(deps, request());
};
