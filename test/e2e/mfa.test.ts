// The second factor over real HTTP, through the local gateway, as a user with an authenticator
// app goes through it: the app is otpauth, fed the returned otpauth URI, computing codes at the
// real time.
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { URI } from 'otpauth';
import { ADMIN, testStackForThisFile } from '../support/stack';
import type { Call } from '../support/transport';

const stack = testStackForThisFile({ over: 'http', admin: ADMIN });
const call: Call = (...args) => stack.call(...args);

it('enrols, verifies, logs in with a code and a recovery code, refuses a replay, and removes the factor', async () => {
  const email = `mfa-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'a fine password';
  const created = await call('POST', '/users', { json: { email, name: 'Otto', password } });
  const first = await call('POST', '/login', { json: { email, password } });
  const id = created.body.id;

  const enrolment = await call('POST', `/users/${id}/mfa/totp`, { token: first.body.token });
  expect(enrolment.status).toBe(201);
  const app = URI.parse(enrolment.body.otpauth_uri);
  expect(app.label).toBe(email);
  expect(app.issuer).toBe('User API');

  const enrolCode = app.generate();
  const verified = await call('POST', `/users/${id}/mfa/totp/verify`, {
    token: first.body.token,
    json: { code: enrolCode },
  });
  expect(verified.status).toBe(200);
  expect(verified.body.recovery_codes).toHaveLength(10);

  // The code that enabled the factor is used up: a login with it is a replay.
  const replayStep = await call('POST', '/login', { json: { email, password } });
  expect(replayStep.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), expires_in: 300 });
  const replay = await call('POST', '/login/mfa', {
    json: { mfa_token: replayStep.body.mfa_token, code: enrolCode },
  });
  expect(replay.status).toBe(401);

  const recoveryStep = await call('POST', '/login', { json: { email, password } });
  const recovered = await call('POST', '/login/mfa', {
    json: { mfa_token: recoveryStep.body.mfa_token, recovery_code: verified.body.recovery_codes[0] },
  });
  expect(recovered.status).toBe(200);
  expect(recovered.body.user.mfa_enabled).toBe(true);
  expect(decodeJwt(recovered.body.token).amr).toEqual(['pwd', 'otp']);

  const removed = await call('DELETE', `/users/${id}/mfa/totp`, { token: recovered.body.token });
  expect(removed.status).toBe(204);
  const plain = await call('POST', '/login', { json: { email, password } });
  expect(plain.body.token).toEqual(expect.any(String));
  expect(plain.body.user.mfa_enabled).toBe(false);
});
