// Use cases: read the audit trail, newest first, a page at a time. A user reads their own
// events; an admin reads anyone's, and the whole trail with filters. Events outlive their user,
// so an admin asking for a deleted user's events gets them, not a 404.

import type { CursorSealer } from '../shared/cursor';
import { ForbiddenError } from '../shared/errors';
import { readPage } from '../shared/paging';
import type { StoredUser } from '../users/user';
import type { AuditEvent, AuditEventType } from './event';
import type { AuditRepository } from './repository';

export interface EventListPage {
  readonly events: readonly AuditEvent[];
  readonly nextCursor: string | null;
}

export interface EventListRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly type?: AuditEventType | undefined;
  readonly userId?: string | undefined;
  readonly actorId?: string | undefined;
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
  caller: StoredUser,
  userId: string,
  request: Omit<EventListRequest, 'userId' | 'actorId'>,
): Promise<EventListPage> => {
  if (caller.id !== userId && caller.role !== 'admin') {
    throw new ForbiddenError('You may only read your own events.');
  }
  return page(deps, { ...request, userId });
};

export const listEvents = async (
  deps: Deps,
  caller: StoredUser,
  request: EventListRequest,
): Promise<EventListPage> => {
  if (caller.role !== 'admin') throw new ForbiddenError('Only an admin may read the audit trail.');
  return page(deps, request);
};
