import { sign } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../lambda/shared/clock';
import { createTokenService, importKeySet, type TokenService } from '../../lambda/tokens/issuer';
import { type KeySet, publishedKeys } from '../../lambda/tokens/key-set';
import { newKeySet, rotateKeySet } from '../../lambda/tokens/rotation';
import {
  bearerToken,
  createTokenVerifier,
  InvalidTokenError,
  importVerificationKeys,
  type TokenVerifier,
} from '../../lambda/tokens/verifier';
import {
  claimsFor,
  confusedTokens,
  foreignKeyToken,
  hmacToken,
  signToken,
  unsignedToken,
} from '../support/forged-tokens';

const subject = {
  sub: '3f0c1e2a-0000-4000-8000-000000000001',
  sid: '7d1e0c3b-2a4f-4e5d-9c8b-1a2b3c4d5e6f',
  role: 'user' as const,
  amr: ['pwd'],
  tv: 2,
};

let keySet: KeySet;
let now: Date;
const clock: Clock = () => now;
let tokens: TokenService;
/** What the authorizer holds: the published keys only. */
let verifier: TokenVerifier;

beforeAll(async () => {
  now = new Date();
  keySet = await newKeySet(now);
  const imported = await importKeySet(keySet, clock);
  tokens = createTokenService(async () => imported, 3600);
  verifier = createTokenVerifier(await importVerificationKeys(publishedKeys(keySet)), clock);
});

const refused = (token: string | Promise<string>) =>
  expect(Promise.resolve(token).then((t) => verifier.verify(t))).rejects.toBeInstanceOf(InvalidTokenError);

describe('issuing', () => {
  it('issues an ES256 token with the kid of the signing key, which the public keys alone verify', async () => {
    const { token, expiresIn } = await tokens.issue(subject, now);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: keySet.keys[0]?.kid });
    expect(expiresIn).toBe(3600);
    const iat = Math.floor(now.getTime() / 1000);
    expect(await verifier.verify(token)).toEqual({ ...subject, iat, exp: iat + 3600 });
  });

  it('issues a token that jose itself verifies with the published key, claims in order', async () => {
    const { token } = await tokens.issue(subject, now);
    const jwk = publishedKeys(keySet).keys[0];
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK({ ...jwk }, 'ES256'), {
      algorithms: ['ES256'],
      issuer: 'user-api',
      audience: 'user-api',
      currentDate: now,
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwk?.kid });
    expect(Object.keys(payload)).toEqual(['sid', 'role', 'amr', 'tv', 'sub', 'iss', 'aud', 'iat', 'exp']);
  });

  it('carries its session id and every amr method', async () => {
    const { token } = await tokens.issue({ ...subject, sid: 'session-1', amr: ['pwd', 'otp'] }, now);

    expect(await tokens.verify(token)).toMatchObject({ sid: 'session-1', amr: ['pwd', 'otp'] });
  });

  it('refuses its own token once expired, by the injected clock', async () => {
    const { token } = await tokens.issue(subject, new Date(now.getTime() - 3601_000));

    await refused(token);
  });
});

describe('verifying refuses every forgery', () => {
  it('accepts a token the test kit signs with the set (the forgeries below differ in one thing)', async () => {
    await expect(verifier.verify(await signToken(claimsFor(subject.sub), keySet))).resolves.toMatchObject({
      sub: subject.sub,
    });
  });

  it('refuses HS256, the algorithm the API used before', async () => {
    await refused(hmacToken(claimsFor(subject.sub), 'a-shared-secret-of-at-least-32-characters'));
  });

  it.each([0, 1, 2])(
    'refuses HS256 keyed with the public key itself (algorithm confusion, form %i)',
    async (form) => {
      const [, token = ''] = (await confusedTokens(claimsFor(subject.sub), keySet))[form] ?? [];
      expect(decodeProtectedHeader(token).alg).toBe('HS256');

      await refused(token);
    },
  );

  it('refuses alg none, with or without a published kid', async () => {
    await refused(unsignedToken(claimsFor(subject.sub)));
    await refused(unsignedToken(claimsFor(subject.sub), { kid: keySet.keys[0]?.kid }));
  });

  it('refuses a kid that is not published, and a token without a kid', async () => {
    await refused(signToken(claimsFor(subject.sub), keySet, { header: { kid: 'not-published' } }));
    await refused(signToken(claimsFor(subject.sub), keySet, { header: { kid: undefined } }));
  });

  it('refuses a valid ES256 signature by a key that is not in the set, under a published kid', async () => {
    await refused(foreignKeyToken(claimsFor(subject.sub), { kid: keySet.keys[0]?.kid ?? '' }));
  });

  it.each([
    ['jwk', (jwk: Record<string, unknown>) => ({ jwk })],
    ['jku', () => ({ jku: 'https://attacker.example/jwks.json' })],
    ['x5u', () => ({ x5u: 'https://attacker.example/cert.pem' })],
  ])("refuses a %s header pointing at the attacker's key, and fetches nothing", async (_, header) => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');

    await refused(foreignKeyToken(claimsFor(subject.sub), { kid: 'attacker', header }));

    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('refuses even a well-signed token of ours that carries a jku, x5u or jwk header', async () => {
    const attacker = await exportJWK((await generateKeyPair('ES256')).publicKey);
    for (const header of [
      { jku: 'https://attacker.example/k' },
      { x5u: 'https://attacker.example/c' },
      { jwk: attacker },
    ]) {
      await refused(signToken(claimsFor(subject.sub), keySet, { header }));
    }
  });

  it.each([
    ['no exp', { exp: undefined }],
    ['no iat', { iat: undefined }],
    ['another issuer', { iss: 'someone-else' }],
    ['another audience', { aud: 'someone-else' }],
    ['a role that does not exist', { role: 'root' }],
    ['no amr', { amr: undefined }],
    ['an amr method we never issue', { amr: ['pwd', 'magic'] }],
    ['a sid that is not a string', { sid: 7 }],
    ['no sid', { sid: undefined }],
  ])('refuses a well-signed token with %s', async (_, overrides) => {
    await refused(signToken(claimsFor(subject.sub, overrides), keySet));
  });

  it('refuses a token whose claims have the wrong types', async () => {
    const imported = await importKeySet(keySet, clock);
    const { kid, key } = imported.signer(now);
    const token = await new SignJWT({ role: 'superuser', tv: 'x', amr: ['pwd'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('s')
      .setIssuer('user-api')
      .setAudience('user-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);

    await refused(token);
  });

  // The checks jose made and the verifier (node:crypto, no library) now makes itself.
  /** Signed by the set's signing key over exactly these header and payload texts. */
  const signedRaw = async (
    header: Record<string, unknown> | string,
    payload: Record<string, unknown> | string,
  ) => {
    const { kid, key } = (await importKeySet(keySet, clock)).signer(now);
    const part = (value: Record<string, unknown> | string) =>
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const head = part(typeof header === 'string' ? header : { alg: 'ES256', typ: 'JWT', kid, ...header });
    const body = part(payload);
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
    return `${head}.${body}.${signature.toString('base64url')}`;
  };

  it('accepts what signedRaw makes with nothing broken (the cases below break one thing)', async () => {
    await expect(verifier.verify(await signedRaw({}, claimsFor(subject.sub)))).resolves.toMatchObject({
      sub: subject.sub,
    });
  });

  it.each([
    ['a crit header', { crit: ['exp'], exp: 1 }],
    ['b64 false (an unencoded payload)', { b64: false, crit: ['b64'] }],
    ['b64 true', { b64: true }],
    ['a typ other than JWT', { typ: 'at+jwt' }],
    ['alg ES384', { alg: 'ES384' }],
  ])('refuses a well-signed token with %s', async (_, header) => {
    await refused(signedRaw(header, claimsFor(subject.sub)));
  });

  it('refuses a header that is not a JSON object', async () => {
    await refused(signedRaw('["ES256"]', claimsFor(subject.sub)));
  });

  it('refuses a token not yet valid (nbf in the future), and accepts it once it is', async () => {
    const nbf = Math.floor(now.getTime() / 1000) + 60;
    const token = await signToken(claimsFor(subject.sub, { nbf }), keySet);
    await refused(token);
    const later = createTokenVerifier(
      await importVerificationKeys(publishedKeys(keySet)),
      () => new Date(nbf * 1000),
    );
    await expect(later.verify(token)).resolves.toMatchObject({ sub: subject.sub });
  });

  it('refuses a token whose exp is now, not only past', async () => {
    await refused(signToken(claimsFor(subject.sub, { exp: Math.floor(now.getTime() / 1000) }), keySet));
  });

  it('refuses a signature in DER form, truncated, or over other bytes', async () => {
    const token = await signToken(claimsFor(subject.sub), keySet);
    const [header = '', payload = '', signature = ''] = token.split('.');
    const raw = Buffer.from(signature, 'base64url');
    const integer = (bytes: Buffer) => {
      const trimmed = bytes.subarray(bytes.findIndex((byte) => byte !== 0));
      const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
      return Buffer.concat([Buffer.from([0x02, body.length]), body]);
    };
    const sequence = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
    const der = Buffer.concat([Buffer.from([0x30, sequence.length]), sequence]);
    await refused(`${header}.${payload}.${der.toString('base64url')}`);
    await refused(`${header}.${payload}.${raw.subarray(0, 63).toString('base64url')}`);
    const other = Buffer.from(JSON.stringify(claimsFor(subject.sub, { role: 'user' }))).toString('base64url');
    await refused(`${header}.${other}.${signature}`);
  });

  it('refuses a compact JWS that is not in its one canonical spelling', async () => {
    const token = await signToken(claimsFor(subject.sub), keySet);
    await refused(`${token}=`);
    await refused(` ${token}`);
    await refused(`${token}.`);
  });

  it('refuses a signed payload that is not a JSON object', async () => {
    for (const body of ['[1,2]', '"user-api"', 'null', '{"sub":']) await refused(signedRaw({}, body));
  });
});

describe('the published keys', () => {
  it('hold exactly the public members of each key, never a private one', async () => {
    const { set } = await rotateKeySet(keySet, now);
    const jwks = publishedKeys(set);

    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
    for (const key of set.keys) expect(JSON.stringify(jwks)).not.toContain(key.jwk.d);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.deg.ghg', 'abc.deg.ghg'],
    ['bearer abc.deg.ghg', 'abc.deg.ghg'],
    // One spelling only: two spaces, a trailing space, padding or a non-canonical last character.
    ['Bearer  abc.deg.ghg', undefined],
    ['Bearer abc.deg.ghg ', undefined],
    ['Bearer abc.deg.ghg=', undefined],
    ['Bearer abc.deg.ghh', undefined],
    ['Bearer abc.deg', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['abc.def.ghi', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
