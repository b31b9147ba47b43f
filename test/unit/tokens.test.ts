import { decodeProtectedHeader, SignJWT } from 'jose';
import {
  bearerToken,
  createTokenService,
  InvalidTokenError,
  importSigningKey,
} from '../../lambda/shared/tokens';

const secret = new TextEncoder().encode('unit-test-secret-0123456789abcdefghij');

describe('token service', () => {
  const subject = {
    id: '3f0c1e2a-0000-4000-8000-000000000001',
    role: 'user' as const,
    tokenVersion: 2,
    sessionId: '7d1e0c3b-2a4f-4e5d-9c8b-1a2b3c4d5e6f',
    amr: ['pwd'],
  };

  it('issues an HS256 token that it verifies back into the same claims', async () => {
    const tokens = createTokenService(await importSigningKey(secret), 3600);
    const now = new Date();

    const { token, expiresIn } = await tokens.issue(subject, now);
    const claims = await tokens.verify(token);

    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(expiresIn).toBe(3600);
    expect(claims).toEqual({
      sub: subject.id,
      role: 'user',
      tv: 2,
      sid: subject.sessionId,
      amr: ['pwd'],
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(now.getTime() / 1000) + 3600,
    });
  });

  it('refuses a token whose claims have the wrong types', async () => {
    const tokens = createTokenService(await importSigningKey(secret), 3600);
    const token = await new SignJWT({ role: 'superuser', tv: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer('user-api')
      .setAudience('user-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);

    await expect(tokens.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token', async () => {
    const tokens = createTokenService(await importSigningKey(secret), 60);
    const { token } = await tokens.issue(subject, new Date(Date.now() - 120_000));

    await expect(tokens.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
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
