// `npm start -- --help` names every router setting start.ts reads (SPEC: REAUTH_MAX_AGE_SECONDS and
// RATE_LIMIT_* are settings of npm start, like JWT_TTL_SECONDS). server-usage.test.ts holds
// `npm run serve -- --help` to what the server reads.
import { USAGE } from '../../local/usage';

it.each([
  'PORT',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'BCRYPT_COST',
  'JWT_TTL_SECONDS',
  'SESSION_TTL_SECONDS',
  'REAUTH_MAX_AGE_SECONDS',
  'RATE_LIMIT_',
  'LOG_LEVEL',
])('npm start --help names %s', (name) => {
  expect(USAGE).toContain(name);
});
