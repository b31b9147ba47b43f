// The wire shapes the router writes (lambda/router/responses.ts) are the ones the OpenAPI
// document describes (scripts/openapi/schemas.ts): each presenter's return type must equal its
// schema's output type, so a field added, dropped or retyped on one side alone fails
// `npm run typecheck`, before any contract test runs. At run time, the document's own examples
// (made by the same presenters) parse under the schemas.
import * as v from 'valibot';
import type { presentEvent, presentSession, presentUser } from '../../lambda/router/responses';
import { examples } from '../../scripts/openapi/examples';
import { RESPONSE_SCHEMAS } from '../../scripts/openapi/schemas';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Body<N extends keyof typeof RESPONSE_SCHEMAS> = v.InferOutput<(typeof RESPONSE_SCHEMAS)[N]>;

const userMatches: Same<ReturnType<typeof presentUser>, Body<'User'>> = true;
const eventMatches: Same<ReturnType<typeof presentEvent>, Body<'Event'>> = true;
const sessionMatches: Same<ReturnType<typeof presentSession>, Body<'SessionList'>['items'][number]> = true;

describe('response shapes', () => {
  it('are the same types in the router and in the document', () => {
    expect([userMatches, eventMatches, sessionMatches]).toEqual([true, true, true]);
  });

  it('parse the examples the presenters made', () => {
    expect(v.safeParse(RESPONSE_SCHEMAS.User, examples.user).success).toBe(true);
    expect(v.safeParse(RESPONSE_SCHEMAS.LoginResponse, examples.login).success).toBe(true);
    expect(v.safeParse(RESPONSE_SCHEMAS.UserList, examples.list).success).toBe(true);
  });

  it('refuse a field the document does not name', () => {
    expect(v.safeParse(RESPONSE_SCHEMAS.User, { ...examples.user, password_hash: '$2b$10$x' }).success).toBe(
      false,
    );
  });
});
