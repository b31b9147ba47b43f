// The audit trail's query schemas (valibot): filters on the event listings.
import * as v from 'valibot';
import { cursorSchema, limitSchema } from '../shared/page-query';
import { AUDIT_EVENT_TYPES } from './event';

const eventTypeSchema = v.picklist(AUDIT_EVENT_TYPES, 'must be a known event type');
const userIdSchema = v.pipe(v.string(), v.uuid('must be a user id (UUID)'));

export const userEventsQuerySchema = v.object({
  limit: limitSchema,
  cursor: cursorSchema,
  type: v.optional(eventTypeSchema),
});

export const eventsQuerySchema = v.object({
  limit: limitSchema,
  cursor: cursorSchema,
  type: v.optional(eventTypeSchema),
  user_id: v.optional(userIdSchema),
  actor_id: v.optional(userIdSchema),
});
