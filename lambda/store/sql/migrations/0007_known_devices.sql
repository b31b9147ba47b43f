-- Known devices (users/known-devices.ts): by the SHA-256 of the device token (the token itself is
-- never stored), whose it is, and the user's token_version when it was named (a later bump voids it).
CREATE TABLE known_devices (
  hash text PRIMARY KEY,
  user_id text NOT NULL,
  token_version integer NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX known_devices_expiry ON known_devices (expires_at);
