// The wire shapes of the API's answers are written once (lambda/router/response-schemas.ts): the
// presenters and handlers are typed by them, so a field added, dropped or retyped on one side
// alone fails `npm run typecheck`. Here, at run time: the document's examples (made by the same
// presenters) parse under the schemas, and the schemas refuse what they do not name.
import * as v from 'valibot';
import { RESPONSE_SCHEMAS, type ResponseSchemaName } from '../../lambda/router/response-schemas';
import { examples } from '../../scripts/openapi/examples';

const EXAMPLES: readonly [ResponseSchemaName, unknown][] = [
  ['User', examples.user],
  ['LoginResponse', examples.login],
  ['LoginOutcome', examples.login],
  ['MfaRequired', examples.mfaRequired],
  ['LoginOutcome', examples.mfaRequired],
  ['RecoveryCodes', examples.recoveryCodes],
  ['TotpEnrolment', examples.totpEnrolment],
  ['UserList', examples.list],
  ['SessionList', examples.sessions],
  ['EventList', examples.events],
];

describe('response shapes', () => {
  it.each(EXAMPLES)('%s parses the example the presenters made', (name, example) => {
    const parsed = v.safeParse(RESPONSE_SCHEMAS[name], example);
    expect(parsed.issues?.map((issue) => issue.message)).toBeUndefined();
  });

  it('refuse a field the document does not name, at any depth', () => {
    expect(v.safeParse(RESPONSE_SCHEMAS.User, { ...examples.user, password_hash: '$2b$10$x' }).success).toBe(
      false,
    );
    const login = { ...examples.login, user: { ...examples.login.user, totp_secret: 'JBSWY3DPEHPK3PXP' } };
    expect(v.safeParse(RESPONSE_SCHEMAS.LoginResponse, login).success).toBe(false);
    const sessions = { items: examples.sessions.items.map((item) => ({ ...item, refresh_hash: 'x' })) };
    expect(v.safeParse(RESPONSE_SCHEMAS.SessionList, sessions).success).toBe(false);
  });

  it('take a login outcome as exactly one of its two shapes', () => {
    expect(
      v.safeParse(RESPONSE_SCHEMAS.LoginOutcome, { ...examples.login, mfa_required: true }).success,
    ).toBe(false);
  });
});
