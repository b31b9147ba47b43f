// The kit's response checks: they must fail a test whose response leaks or lacks a security
// header, or the suites that rely on them prove nothing.
import { createClient, isGatewayAnswer, type Transport } from '../support/client';

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
});
