// The key set format, rotation's timing rules and the refresh of warm copies, as pure functions
// over an injected clock.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../../lambda/routes';
import { refreshEvery } from '../../lambda/shared/refreshing';
import { MAX_TOKEN_TTL_SECONDS } from '../../lambda/tokens/issuer';
import { JWKS_MAX_AGE_SECONDS, KEY_SET_REFRESH_SECONDS, parseJwks } from '../../lambda/tokens/jwks';
import {
  isPlaceholder,
  type KeySet,
  keyInState,
  parseKeySet,
  publishedKeys,
  signingKeyAt,
} from '../../lambda/tokens/key-set';
import {
  CLOCK_SKEW_SECONDS,
  describeKeySet,
  newKeySet,
  PUBLISH_DELAY_SECONDS,
  RotationRefusedError,
  rotateKeySet,
} from '../../lambda/tokens/rotation';
import { fileKeySetStore } from '../../local/signing-keys';
import { parseRotateArgs, rotateCommand, UsageError } from '../../scripts/rotate-signing-key';

const T0 = new Date('2026-11-30T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let first: KeySet;
beforeAll(async () => {
  first = await newKeySet(T0);
});

describe('the key set', () => {
  it('starts with one current key that signs at once, and a 256-bit symmetric key', () => {
    expect(first.keys.map((key) => key.state)).toEqual(['current']);
    expect(signingKeyAt(first, T0).kid).toBe(first.keys[0]?.kid);
    expect(Buffer.from(first.hmacSecret, 'base64url')).toHaveLength(32);
  });

  it('survives a round trip through JSON, and refuses anything else without quoting it', () => {
    expect(parseKeySet(JSON.stringify(first))).toEqual(first);
    const broken = JSON.stringify({ ...first, keys: [] });
    expect(() => parseKeySet(broken)).toThrow(/exactly one current key/);
    const error = (() => {
      try {
        parseKeySet(JSON.stringify(first).replace('"state":"current"', '"state":"mine"'));
      } catch (caught) {
        return String(caught);
      }
    })();
    expect(error).not.toContain(first.keys[0]?.jwk.d);
  });

  it("tells the stack's alphanumeric placeholder from a key set", () => {
    expect(isPlaceholder('Q7xk2Lr9TzPa1Bc3De5Fg7Hi9Jk1Lm3N')).toBe(true);
    expect(isPlaceholder(JSON.stringify(first))).toBe(false);
  });

  it('publishes public keys that the authorizer reader accepts, and whose reader refuses a private key', () => {
    expect(parseJwks(JSON.stringify(publishedKeys(first)))).toEqual(publishedKeys(first));
    const leaked = { keys: [{ ...publishedKeys(first).keys[0], d: first.keys[0]?.jwk.d }] };
    expect(() => parseJwks(JSON.stringify(leaked))).toThrow(/something other than public keys/);
  });
});

describe('rotation', () => {
  it('waits longer than every cache of the published keys before a new key signs', () => {
    // A Lambda's copy (the extension's cache, then its own), then a JWKS cache downstream.
    expect(PUBLISH_DELAY_SECONDS).toBeGreaterThan(2 * KEY_SET_REFRESH_SECONDS + JWKS_MAX_AGE_SECONDS);
    expect(PUBLISH_DELAY_SECONDS).toBeGreaterThan(AUTHORIZER_CACHE_TTL_SECONDS);
    expect(JWKS_MAX_AGE_SECONDS).toBeLessThanOrEqual(600);
  });

  it('publishes a new key that signs only after the publish delay', async () => {
    const { set, published } = await rotateKeySet(first, T0);

    expect(publishedKeys(set).keys.map((key) => key.kid)).toEqual([first.keys[0]?.kid, published.kid]);
    expect(signingKeyAt(set, at(PUBLISH_DELAY_SECONDS - 1)).kid).toBe(first.keys[0]?.kid);
    expect(signingKeyAt(set, at(PUBLISH_DELAY_SECONDS)).kid).toBe(published.kid);
  });

  it('refuses a second rotation while one is under way, and while the old key may have live tokens', async () => {
    const { set } = await rotateKeySet(first, T0);

    await expect(rotateKeySet(set, at(60))).rejects.toThrow(RotationRefusedError);
    const lastOldToken = PUBLISH_DELAY_SECONDS + MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS;
    await expect(rotateKeySet(set, at(lastOldToken - 1))).rejects.toThrow(/stays published until/);
  });

  it('removes the old key at the next rotation once its tokens can all have expired', async () => {
    const { set, published } = await rotateKeySet(first, T0);
    const later = at(PUBLISH_DELAY_SECONDS + MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS);

    const next = await rotateKeySet(set, later);

    expect(next.removed?.kid).toBe(first.keys[0]?.kid);
    expect(next.set.keys.map((key) => [key.kid, key.state])).toEqual([
      [published.kid, 'current'],
      [next.published.kid, 'next'],
    ]);
  });

  it('keeps no private part of a key that signs no more', async () => {
    const { set } = await rotateKeySet(first, T0);
    const settled = parseKeySet(JSON.stringify(set));
    const [previousLine] = describeKeySet(settled, at(PUBLISH_DELAY_SECONDS));
    expect(previousLine).toMatch(/^previous/);
    const { set: removedOld } = await rotateKeySet(
      set,
      at(PUBLISH_DELAY_SECONDS + MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS),
    );
    expect(keyInState(removedOld, 'previous')).toBeUndefined();
  });
});

describe('refreshEvery', () => {
  it('loads once, serves the copy until it is old, then loads again', async () => {
    let now = T0;
    let loads = 0;
    const get = refreshEvery(async () => ++loads, { maxAgeSeconds: 300, clock: () => now });

    expect(await get()).toBe(1);
    now = at(299);
    expect(await get()).toBe(1);
    now = at(300);
    expect(await get()).toBe(2);
  });

  it('keeps serving the old copy when a re-read fails, and reports it', async () => {
    let now = T0;
    let fail = false;
    const errors: unknown[] = [];
    const get = refreshEvery(
      async () => {
        if (fail) throw new Error('Secrets Manager is down');
        return 'keys';
      },
      { maxAgeSeconds: 300, clock: () => now, onError: (error) => errors.push(error) },
    );
    await get();
    fail = true;
    now = at(301);

    expect(await get()).toBe('keys');
    expect(errors).toHaveLength(1);
  });

  it('lets a failed first load fail, and tries again on the next call', async () => {
    let attempts = 0;
    const get = refreshEvery(
      async () => {
        attempts++;
        if (attempts === 1) throw new Error('not yet');
        return 'keys';
      },
      { maxAgeSeconds: 300, clock: () => T0 },
    );

    await expect(get()).rejects.toThrow('not yet');
    expect(await get()).toBe('keys');
  });
});

describe('npm run rotate-signing-key', () => {
  it('takes a branch, or the local folder (LOCAL_DATA_DIR by default), and nothing else', () => {
    expect(parseRotateArgs(['--branch', 'feature/x'], {})).toEqual({
      target: { kind: 'branch', branch: 'feature/x' },
      statusOnly: false,
    });
    expect(parseRotateArgs(['--local', '--status'], { LOCAL_DATA_DIR: '/data' })).toEqual({
      target: { kind: 'local', dataDir: '/data' },
      statusOnly: true,
    });
    expect(() => parseRotateArgs([], {})).toThrow(UsageError);
    expect(() => parseRotateArgs(['--branch', 'x', '--local'], {})).toThrow(UsageError);
    expect(() => parseRotateArgs(['--branch', 'x', '--data-dir', '/d'], {})).toThrow(UsageError);
  });

  it('rotates a key file, keeping it private to its owner, then refuses until the old key may go', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rotate-'));
    const store = fileKeySetStore(dataDir);
    await store.write(first);

    const printed = await rotateCommand(store, T0, false);

    expect(printed[0]).toMatch(/^Published key \S+; it signs from /);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(printed.join('\n')).not.toContain(first.keys[0]?.jwk.d);
    await expect(rotateCommand(store, at(60), false)).rejects.toThrow(RotationRefusedError);
    expect(await rotateCommand(store, at(60), true)).toHaveLength(2);
  });
});
