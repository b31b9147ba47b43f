// The published keys and a full signing-key rotation, driven through the app as the test kit
// builds it (createLocalApp: authorizer, then router), with an injected clock. At every step,
// every token that has not expired is accepted, whichever key signed it: by the authorizer and
// the router, and by a downstream service that verifies with the JWKS as a cache would hold it.
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { MAX_TOKEN_TTL_SECONDS } from '../../lambda/tokens/issuer';
import { JWKS_MAX_AGE_SECONDS, KEY_SET_REFRESH_SECONDS } from '../../lambda/tokens/jwks';
import { type KeySet, keyInState } from '../../lambda/tokens/key-set';
import {
  CLOCK_SKEW_SECONDS,
  PUBLISH_DELAY_SECONDS,
  RotationRefusedError,
  rotateSigningKey,
} from '../../lambda/tokens/rotation';
import { memoryKeySetStore } from '../../local/signing-keys';
import { type Account, startTestStack, type TestStack, testStackForThisFile } from '../support/stack';

describe('GET /.well-known/jwks.json', () => {
  const api = testStackForThisFile({ over: 'core' });

  it('is public and lists exactly the public members of the key set, cacheable for at most 10 minutes', async () => {
    const response = await api.call('GET', '/.well-known/jwks.json');

    expect(response.status).toBe(200);
    const keySet = await api.keySet();
    expect(response.body).toEqual({
      keys: keySet.keys.map((key) => ({
        kty: 'EC',
        crv: 'P-256',
        x: key.jwk.x,
        y: key.jwk.y,
        kid: key.kid,
        alg: 'ES256',
        use: 'sig',
      })),
    });
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(600);
    expect(response.text).not.toMatch(/"d"|hmac|private/i);
    for (const key of keySet.keys) expect(response.text).not.toContain(key.jwk.d);
  });

  it('verifies a bearer token sent to it anyway: a bad one is a 401, never silently anonymous', async () => {
    const response = await api.call('GET', '/.well-known/jwks.json', { token: 'not.a.jwt' });

    expect(response.status).toBe(401);
  });

  it('holds the key that verifies a login token', async () => {
    const user = await api.signUp();
    const { body } = await api.call('GET', '/.well-known/jwks.json');

    const { payload } = await jwtVerify(user.token, createLocalJWKSet(body as JSONWebKeySet), {
      issuer: 'user-api',
      audience: 'user-api',
      algorithms: ['ES256'],
    });

    expect(payload.sub).toBe(user.id);
  });
});

describe('a signing-key rotation, step by step', () => {
  const T0 = new Date('2026-11-30T12:00:00.000Z').getTime();
  let now = T0;
  const advanceTo = (seconds: number) => {
    now = T0 + seconds * 1000;
  };
  const store = memoryKeySetStore();
  let api: TestStack;
  let user: Account;
  const issued: { token: string; kid: string; exp: number }[] = [];
  /** A downstream service's copy of the JWKS, kept for max-age as Cache-Control allows. */
  let downstream: { jwks: JSONWebKeySet; fetchedAt: number } | undefined;

  beforeAll(async () => {
    api = await startTestStack({ over: 'core', clock: () => new Date(now), keys: store });
    user = await api.signUp();
  });

  const logIn = async (): Promise<string> => {
    const response = await api.call('POST', '/login', {
      json: { email: user.email, password: user.password },
    });
    expect(response.status).toBe(200);
    const token = response.body.token as string;
    const { kid = '' } = decodeProtectedHeader(token);
    issued.push({ token, kid, exp: now + 3600_000 });
    return kid;
  };

  const downstreamKeys = async () => {
    if (!downstream || now - downstream.fetchedAt >= JWKS_MAX_AGE_SECONDS * 1000) {
      const response = await api.call('GET', '/.well-known/jwks.json');
      downstream = { jwks: response.body as JSONWebKeySet, fetchedAt: now };
    }
    return createLocalJWKSet(downstream.jwks);
  };

  /** Every token not yet expired is accepted, by the API and downstream; the expired ones are not. */
  const expectEveryLiveTokenAccepted = async () => {
    const jwks = await downstreamKeys();
    for (const { token, kid, exp } of issued) {
      const live = exp > now;
      const read = await api.call('GET', `/users/${user.id}`, { token });
      const publicRoute = await api.call('GET', '/.well-known/jwks.json', { token });
      const verified = await jwtVerify(token, jwks, {
        issuer: 'user-api',
        audience: 'user-api',
        algorithms: ['ES256'],
        currentDate: new Date(now),
      }).then(
        () => true,
        () => false,
      );
      expect({ kid, live, bearer: read.status, public: publicRoute.status, downstream: verified }).toEqual({
        kid,
        live,
        bearer: live ? 200 : 403,
        public: live ? 200 : 401,
        downstream: live,
      });
    }
  };

  const kids = async () => {
    const set = (await store.read()) as KeySet;
    return { current: keyInState(set, 'current')?.kid, next: keyInState(set, 'next')?.kid };
  };

  it('keeps every valid token valid, for both keys, from the first rotation to the removal of the old key', async () => {
    const { current: keyA } = await kids();
    expect(await logIn()).toBe(keyA);
    await expectEveryLiveTokenAccepted();

    // 1. Publish B. It does not sign yet; A's tokens, old and new, keep working.
    const first = await rotateSigningKey(store, new Date(now));
    const keyB = first.published.kid;
    expect(first.published.signsFrom).toBe(new Date(T0 + PUBLISH_DELAY_SECONDS * 1000).toISOString());
    advanceTo(1);
    expect(await logIn()).toBe(keyA);
    await expectEveryLiveTokenAccepted();

    // 2. Warm copies have re-read the set: the JWKS lists A and B, A still signs.
    advanceTo(KEY_SET_REFRESH_SECONDS + 1);
    const listed = (await api.call('GET', '/.well-known/jwks.json')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    expect(listed).toEqual([keyA, keyB]);
    expect(await logIn()).toBe(keyA);
    await expectEveryLiveTokenAccepted();

    // 3. The last moment A signs, then B takes over: tokens of both verify, downstream too.
    advanceTo(PUBLISH_DELAY_SECONDS - 1);
    expect(await logIn()).toBe(keyA);
    await expectEveryLiveTokenAccepted();
    advanceTo(PUBLISH_DELAY_SECONDS);
    expect(await logIn()).toBe(keyB);
    await expectEveryLiveTokenAccepted();

    // 4. Later: A's newest token is still valid, so A stays published and rotating again is refused.
    advanceTo(PUBLISH_DELAY_SECONDS + 3000);
    expect(await logIn()).toBe(keyB);
    await expectEveryLiveTokenAccepted();
    await expect(rotateSigningKey(store, new Date(now))).rejects.toBeInstanceOf(RotationRefusedError);

    // 5. Once every token A signed can have expired, the next rotation removes A and publishes C.
    advanceTo(PUBLISH_DELAY_SECONDS + MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS);
    expect(await logIn()).toBe(keyB);
    const second = await rotateSigningKey(store, new Date(now));
    expect(second.removed?.kid).toBe(keyA);
    const keyC = second.published.kid;
    await expectEveryLiveTokenAccepted();
    const start = PUBLISH_DELAY_SECONDS + MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS;
    advanceTo(start + KEY_SET_REFRESH_SECONDS + 1);
    const relisted = (await api.call('GET', '/.well-known/jwks.json')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    expect(relisted).toEqual([keyB, keyC]);
    expect(await logIn()).toBe(keyB);
    await expectEveryLiveTokenAccepted();
    advanceTo(start + PUBLISH_DELAY_SECONDS);
    expect(await logIn()).toBe(keyC);
    await expectEveryLiveTokenAccepted();

    expect(new Set(issued.map((token) => token.kid))).toEqual(new Set([keyA, keyB, keyC]));
    expect((await kids()).next).toBe(keyC);
  });
});
