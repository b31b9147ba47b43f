-- The mail caps' daily counts (mail/mail-caps.ts): mails to an address and an account's mailed
-- email changes, per UTC day (days since the epoch), each claimed with one conditional upsert.
CREATE TABLE mail_daily_counts (
  scope text NOT NULL CHECK (scope IN ('mail-to', 'email-change')),
  subject text NOT NULL,
  day integer NOT NULL,
  count integer NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (scope, subject, day)
);
CREATE INDEX mail_daily_counts_expiry ON mail_daily_counts (expires_at);
