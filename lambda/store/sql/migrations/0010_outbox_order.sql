-- The outbox's own order: mails caused one after another are sent in that order, even when the
-- clock gives them the same created_at (a test's clock, or two writes in one millisecond).
ALTER TABLE outbox ADD COLUMN seq bigserial;
CREATE INDEX outbox_due_in_order ON outbox (seq) WHERE state = 'pending';
