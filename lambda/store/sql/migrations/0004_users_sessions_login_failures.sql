-- Users (a unique email by constraint, sorted in byte order as DynamoDB sorts them), their
-- sessions, and the failed-login records: one per account and client (the back-off), one per
-- account (the hourly ceiling and the last clear).
CREATE TABLE users (
  id text PRIMARY KEY,
  email text COLLATE "C" NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'admin')),
  status text NOT NULL CHECK (status IN ('active', 'disabled')),
  email_verified boolean NOT NULL,
  mfa_enabled boolean NOT NULL,
  last_login timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL,
  password_hash text NOT NULL,
  token_version integer NOT NULL
);
CREATE INDEX users_by_status_email ON users (status, email);
CREATE INDEX users_active_admins ON users (id) WHERE role = 'admin' AND status = 'active';

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz NOT NULL,
  expires_at bigint NOT NULL,
  user_agent text,
  token_version integer NOT NULL,
  amr text[] NOT NULL,
  refresh_hash text NOT NULL,
  generation integer NOT NULL,
  rotated_at timestamptz
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at DESC);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures_by_client (
  email text NOT NULL,
  client text NOT NULL,
  failure_count integer NOT NULL,
  last_failed_at timestamptz NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (email, client)
);
CREATE INDEX login_failures_by_client_expiry ON login_failures_by_client (expires_at);

CREATE TABLE login_failures_by_account (
  email text PRIMARY KEY,
  failure_count integer,
  window_started_at timestamptz,
  last_failed_at timestamptz,
  cleared_at timestamptz,
  expires_at bigint NOT NULL
);
CREATE INDEX login_failures_by_account_expiry ON login_failures_by_account (expires_at);
