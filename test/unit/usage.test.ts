// The --help of `npm start` and `npm run serve` names every router setting both entries read
// (SPEC: REAUTH_MAX_AGE_SECONDS and RATE_LIMIT_* are settings of each, like JWT_TTL_SECONDS).
import { USAGE as START_USAGE } from '../../local/usage';
import { USAGE as SERVE_USAGE } from '../../server/config';

const ROUTER_SETTINGS = [
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'BCRYPT_COST',
  'JWT_TTL_SECONDS',
  'SESSION_TTL_SECONDS',
  'REAUTH_MAX_AGE_SECONDS',
  'RATE_LIMIT_*',
  'LOG_LEVEL',
];

describe.each([
  ['npm start', START_USAGE],
  ['npm run serve', SERVE_USAGE],
])('%s --help', (_entry, usage) => {
  it.each(ROUTER_SETTINGS)('names %s', (name) => {
    expect(usage).toContain(name);
  });
});
