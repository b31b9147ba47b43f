import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { newTotpSecret, provisioning, stepOfCode, TOTP_PERIOD_SECONDS } from '../../lambda/mfa/totp';

// lambda/mfa/totp.ts is written on node:crypto; otpauth, which authenticator apps agree with,
// is the reference it must match answer for answer.
const reference = (secret: Uint8Array, issuer = '', label = '') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromHex(Buffer.from(secret).toString('hex')),
  });

describe('TOTP', () => {
  it('gives the RFC 6238 test vector its code (SHA-1, T = 59 s)', () => {
    const secret = Buffer.from('12345678901234567890', 'ascii');
    const at = new Date(59_000);
    // RFC 6238 appendix B: 94287082 at 8 digits, so 287082 at 6.
    expect(stepOfCode(secret, '287082', at)).toBe(1);
    expect(stepOfCode(secret, '287083', at)).toBeUndefined();
  });

  it('provisions the very base32 secret and otpauth:// URI otpauth does', () => {
    for (let i = 0; i < 50; i++) {
      const secret = i === 0 ? Buffer.alloc(20) : randomBytes(1 + (i % 25));
      const issuer = ['User API', '', 'Ünïcode & Co/?', 'a:b'][i % 4] ?? '';
      const email = [`user${i}@example.com`, 'o+tag@example.org', 'ü@exämple.com'][i % 3] ?? '';
      const totp = reference(secret, issuer, email);
      expect(provisioning(secret, issuer, email)).toEqual({
        secret: totp.secret.base32,
        otpauthUri: totp.toString(),
      });
    }
  });

  it('finds the step of every code otpauth makes within one step either way, and none beyond', () => {
    for (let i = 0; i < 200; i++) {
      const secret = newTotpSecret();
      const now = new Date(1_700_000_000_000 + Math.floor(Math.random() * 1e12));
      const step = Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
      const totp = reference(secret);
      for (const drift of [-2, -1, 0, 1, 2]) {
        const code = totp.generate({ timestamp: now.getTime() + drift * TOTP_PERIOD_SECONDS * 1000 });
        const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
        expect(stepOfCode(secret, code, now)).toBe(delta === null ? undefined : step + delta);
        // (A code of a neighbouring step may equal this one's, one time in a million: then the
        // current step answers, as otpauth's does, so only its presence is asserted here.)
        if (Math.abs(drift) <= 1) expect(stepOfCode(secret, code, now)).toBeDefined();
      }
    }
  });

  it('refuses codes of the wrong length or alphabet without throwing', () => {
    const secret = newTotpSecret();
    const now = new Date();
    for (const code of ['', '12345', '1234567', 'abcdef', '١٢٣٤٥٦', '12345\u00e9']) {
      expect(stepOfCode(secret, code, now)).toBeUndefined();
    }
  });
});
