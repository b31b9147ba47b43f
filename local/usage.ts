// `npm start -- --help`: its own module, so a test can hold it to the settings start.ts reads.
export const USAGE = `Usage: npm start [-- --in-memory]

Serves the User API on http://localhost:$PORT, on DynamoDB Local (needs Java 17+).
  --in-memory      keep no data (default: kept under .local/, reused by the next start)
Environment: PORT (3000), DYNAMODB_PORT (free port), ADMIN_EMAIL + ADMIN_PASSWORD (an admin that
exists after start), LOCAL_DATA_DIR (.local: data and the signing keys, signing-keys.json),
BCRYPT_COST, JWT_TTL_SECONDS, SESSION_TTL_SECONDS, REAUTH_MAX_AGE_SECONDS, RATE_LIMIT_<BUCKET>
(requests/seconds per client address: RATE_LIMIT_SIGN_UP, _LOGIN, _REFRESH, _MAIL, _CONFIRM),
LOG_LEVEL (warn), PRODUCT_NAME and ACCENT_COLOR (the pages' brand).`;
