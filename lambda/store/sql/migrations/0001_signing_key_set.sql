-- The signing key set every replica signs with and publishes: one row, sealed with AES-256-GCM
-- under KEY_ENCRYPTION_KEY (the private keys and the symmetric key never rest in clear).
CREATE TABLE signing_key_set (
  id smallint PRIMARY KEY CHECK (id = 1),
  sealed text NOT NULL,
  updated_at timestamptz NOT NULL
);
