// A handler may answer only the success statuses its route row lists: the type of each handler's
// response is narrowed to them, so answering another one fails `npm run typecheck`. The
// `@ts-expect-error` lines below are that check, held in place (each stops compiling if the
// type ever widens to any number).
import type { SuccessStatus } from '../../lambda/router/handlers';
import { routes } from '../../lambda/routes';

const statusesOf = (handler: string): number[] =>
  routes
    .filter((route) => route.handler === handler)
    .flatMap((route) => route.success.map(({ status }) => status));

describe('the success statuses a handler may answer', () => {
  it('are the literal statuses of its row', () => {
    const logout: SuccessStatus<'logout'>[] = [204];
    const getUser: SuccessStatus<'getUser'>[] = [200, 304];
    const createUser: SuccessStatus<'createUser'>[] = [201];
    // @ts-expect-error POST /logout answers 204, never 200
    const wrongLogout: SuccessStatus<'logout'> = 200;
    // @ts-expect-error GET /users/{id} answers 200 or 304, never 201
    const wrongGetUser: SuccessStatus<'getUser'> = 201;
    expect([wrongLogout, wrongGetUser]).toEqual([200, 201]);
    expect(statusesOf('logout')).toEqual(logout);
    expect(statusesOf('getUser')).toEqual(getUser);
    expect(statusesOf('createUser')).toEqual(createUser);
  });
});
