// `npm run serve --help` lists every variable the server reads: the names are recorded as the
// configuration reader (and the router's settings reader it defers to) asks for them, on each
// store, so a setting added without its line in the usage fails here.
import { readRouterSettings } from '../../lambda/router/dependencies';
import type { Environment } from '../../lambda/shared/env';
import { readServerConfig, USAGE } from '../../server/config';

/** An environment holding `values` that remembers every name asked of it. */
const recording = (values: Record<string, string>, read: Set<string>): Environment =>
  new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });

const STORES: Record<string, string>[] = [
  {},
  {
    STORE: 'postgres',
    DATABASE_URL: 'postgres://db/users',
    KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
  },
  { STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' },
];

const variablesRead = (): Set<string> => {
  const read = new Set<string>();
  for (const store of STORES) readServerConfig(recording(store, read), [], '/srv/app');
  // readServerConfig hands the router's reader a copy, whose reads the proxy cannot see.
  readRouterSettings(recording({ TABLE_NAME: 'unused' }, read));
  return read;
};

describe('npm run serve --help', () => {
  it('names every variable the server reads (RATE_LIMIT_* for the rate limits)', () => {
    const read = [...variablesRead()];
    // The reader asks for these at least: a recording that saw nothing would pass anything.
    expect(read).toEqual(
      expect.arrayContaining(['STORE', 'DATABASE_URL', 'BCRYPT_COST', 'RATE_LIMIT_LOGIN']),
    );
    const missing = read
      .filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name))
      // TABLE_NAME only as STORE=dynamodb reads it; the router's copy always has one.
      .filter(
        (name) => !new RegExp(`\\b${name.startsWith('RATE_LIMIT_') ? 'RATE_LIMIT_\\*' : name}`).test(USAGE),
      );
    expect(missing).toEqual([]);
  });
});
