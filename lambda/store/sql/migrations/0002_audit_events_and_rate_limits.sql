-- Audit events, newest first by each filter the API offers; and the rate limiter's fixed
-- windows, one row per bucket, client and window, counted with an atomic upsert.
CREATE TABLE audit_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  at timestamptz NOT NULL,
  user_id text,
  actor_id text,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  request_id text NOT NULL,
  ip text,
  user_agent text,
  details jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX audit_events_newest ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_by_user ON audit_events (user_id, at DESC, id DESC) WHERE user_id IS NOT NULL;
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, at DESC, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_events_by_type ON audit_events (type, at DESC, id DESC);
CREATE INDEX audit_events_expiry ON audit_events (expires_at);

CREATE TABLE rate_limit_windows (
  bucket text NOT NULL,
  client text NOT NULL,
  window_start bigint NOT NULL,
  hits integer NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (bucket, client, window_start)
);
CREATE INDEX rate_limit_windows_expiry ON rate_limit_windows (expires_at);
