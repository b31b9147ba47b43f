// The kit's response checks: they must fail a test whose response leaks or lacks a security
// header, or the suites that rely on them prove nothing.
import { createClient } from '../support/client';
import { isGatewayAnswer } from '../support/security-headers';
import { newSecrets, type Transport } from '../support/transport';

const answering =
  (status: number, headers: Record<string, string>, body = ''): Transport =>
  async () => ({ status, headers: new Headers(headers), body: Buffer.from(body) });

const SECURE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

describe('the kit client', () => {
  it.each([
    ['a 204 without nosniff', 204, { 'cache-control': 'no-store' }, /X-Content-Type-Options: nosniff/],
    ['a 204 without no-store', 204, { 'x-content-type-options': 'nosniff' }, /Cache-Control: no-store/],
    ['a 304 without no-store', 304, { etag: '"3"' }, /Cache-Control: no-store/],
    ['a 200 with a shared cache allowed', 200, { ...SECURE, 'cache-control': 'public' }, /no-store/],
  ])('fails on %s from the router', async (_what, status, headers, missing) => {
    const { call } = createClient(answering(status, headers));

    await expect(call('DELETE', '/users/x')).rejects.toThrow(missing);
  });

  it('accepts a router 204 with both headers', async () => {
    const { call } = createClient(answering(204, SECURE));

    await expect(call('DELETE', '/users/x')).resolves.toMatchObject({ status: 204, text: '' });
  });

  it("holds API Gateway's own answers to no router header", async () => {
    const { call } = createClient(answering(403, {}, '{"message":"Forbidden"}'));

    expect(isGatewayAnswer(403, '{"message":"Forbidden"}')).toBe(true);
    await expect(call('GET', '/users')).resolves.toMatchObject({ status: 403 });
  });

  it.each([
    ['password', { password: 'a secret pass phrase' }],
    ['current_password', { current_password: 'a secret pass phrase' }],
    ['a nested field named like a password', { change: { newPassword: 'a secret pass phrase' } }],
  ])('fails when a response echoes a %s sent in any earlier request', async (_what, json) => {
    const { call, sentPasswords } = createClient(answering(400, SECURE, '{"detail":"a secret pass phrase"}'));

    await expect(call('POST', '/users', { json })).rejects.toThrow(/leaked a password/);

    expect([...sentPasswords]).toEqual(['a secret pass phrase']);
    await expect(call('GET', '/users')).rejects.toThrow(/leaked a password/);
  });

  it('fails on a bcrypt hash anywhere in a response', async () => {
    const { call } = createClient(answering(200, SECURE, '{"h":"$2b$10$abcdefghijklmnopqrstuv"}'));

    await expect(call('GET', '/users/x')).rejects.toThrow(/leaked a bcrypt hash/);
  });

  it('fails when a response shows a refresh token the client sent back', async () => {
    const refresh = '0a1b2c3d-0000-4000-8000-000000000000.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const { call } = createClient(answering(200, SECURE, JSON.stringify({ echoed: refresh })));

    await expect(call('POST', '/logout', { json: { refresh_token: refresh } })).rejects.toThrow(
      /leaked a secret/,
    );
  });

  it('lets the enrolment show a TOTP secret once, and fails any later response that shows it', async () => {
    const enrolment = JSON.stringify({
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauth_uri: 'otpauth://totp/x',
    });
    const secrets = newSecrets();
    const { call } = createClient(answering(201, SECURE, enrolment), secrets);

    await expect(call('POST', '/users/x/mfa/totp')).resolves.toMatchObject({ status: 201 });
    await expect(call('GET', '/users/x')).rejects.toThrow(/leaked a secret/);
  });

  it('fails on a private key member anywhere in a response', async () => {
    const { call } = createClient(
      answering(200, SECURE, JSON.stringify({ keys: [{ kty: 'EC', d: 'x'.repeat(43) }] })),
    );

    await expect(call('GET', '/.well-known/jwks.json')).rejects.toThrow(/leaked a private key member/);
  });

  it('accepts a public max-age on the JWKS only', async () => {
    const cacheable = { 'cache-control': 'public, max-age=600', 'x-content-type-options': 'nosniff' };
    const { call } = createClient(answering(200, cacheable, '{"keys":[]}'));

    await expect(call('GET', '/.well-known/jwks.json')).resolves.toMatchObject({ status: 200 });
    await expect(call('GET', '/openapi.json')).rejects.toThrow(/Cache-Control: no-store/);
  });
});
