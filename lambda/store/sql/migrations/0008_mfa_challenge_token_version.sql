-- A login challenge carries the user's token_version when its password step passed (a reset,
-- "log out everywhere", a disable or a deletion moves it and so voids the challenge), and the
-- known device it came from. A challenge stored before this has -1, which matches no user: void.
ALTER TABLE mfa_challenges ADD COLUMN token_version integer NOT NULL DEFAULT -1;
ALTER TABLE mfa_challenges ALTER COLUMN token_version DROP DEFAULT;
ALTER TABLE mfa_challenges ADD COLUMN device text;
