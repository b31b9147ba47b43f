// The gateway core as the integration suite meets it: the authorizer's verdict cache on the
// injected clock (moved, never slept on), and the client's address reaching the router.

import { createGatewayCore } from '../../gateway/gateway-core';
import type { GatewayEvent } from '../../gateway/gateway-types';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../../lambda/routes';
import { createClient } from '../support/client';
import { type Account, testStackForThisFile } from '../support/stack';
import { newSecrets, overCore } from '../support/transport';

const TTL_MS = AUTHORIZER_CACHE_TTL_SECONDS * 1000;

let now = Date.now();
const clock = () => new Date(now);

const stack = testStackForThisFile({ over: 'core', clock });
let user: Account;

beforeAll(async () => {
  user = await stack.signUp('cached');
});

/** A gateway on the stack's handlers that counts what reaches each of them. */
const spiedGateway = () => {
  const authorizerCalls: unknown[] = [];
  const routerEvents: GatewayEvent[] = [];
  const gateway = createGatewayCore({
    clock,
    authorizer: (event, context) => {
      authorizerCalls.push(event);
      return stack.handlers.authorizer(event, context);
    },
    router: (event, context) => {
      routerEvents.push(event);
      return stack.handlers.router(event, context);
    },
  });
  const { call } = createClient(overCore(gateway), newSecrets(stack.sentPasswords));
  return { gateway, call, authorizerCalls, routerEvents };
};

describe('the authorizer verdict cache', () => {
  it('reuses a cached allow until the TTL has passed, then asks the authorizer again', async () => {
    const { call, authorizerCalls } = spiedGateway();
    const read = () => call('GET', `/users/${user.id}`, { token: user.token });

    const first = await read();
    now += TTL_MS - 1;
    const withinTtl = await read();
    const askedWithinTtl = authorizerCalls.length;
    now += 1;
    const atTtl = await read();

    expect([first.status, withinTtl.status, atTtl.status]).toEqual([200, 200, 200]);
    expect(askedWithinTtl).toBe(1);
    expect(authorizerCalls).toHaveLength(2);
  });

  it('keys the cache on the Authorization value: another token is asked about on its own', async () => {
    const { call, authorizerCalls } = spiedGateway();
    const other = await stack.signUp('other');

    await call('GET', `/users/${user.id}`, { token: user.token });
    await call('GET', `/users/${other.id}`, { token: other.token });
    await call('GET', `/users/${other.id}`, { token: other.token });

    expect(authorizerCalls).toHaveLength(2);
  });

  it('lets a cached allow through for a revoked token, and the router refuses it with 401', async () => {
    const { call, authorizerCalls } = spiedGateway();
    const account = await stack.signUp('revoked');
    await call('GET', `/users/${account.id}`, { token: account.token });
    const changed = await call('PATCH', `/users/${account.id}`, {
      token: account.token,
      json: { password: 'a brand new pass phrase', current_password: account.password },
    });

    const stale = await call('GET', `/users/${account.id}`, { token: account.token });

    expect(changed.status).toBe(200);
    expect(authorizerCalls).toHaveLength(1);
    expect(stale.status).toBe(401);
    expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe("the client's address", () => {
  it('reaches the router as requestContext.http.sourceIp and x-forwarded-for, per client', async () => {
    const { gateway, routerEvents } = spiedGateway();
    const here = createClient(overCore(gateway, '127.0.0.5'), newSecrets(stack.sentPasswords));
    const there = createClient(overCore(gateway, '127.0.0.6'), newSecrets(stack.sentPasswords));

    await here.call('GET', '/openapi.json');
    await there.call('GET', '/openapi.json');

    expect(routerEvents.map((event) => event.requestContext.http.sourceIp)).toEqual([
      '127.0.0.5',
      '127.0.0.6',
    ]);
    expect(routerEvents.map((event) => event.headers['x-forwarded-for'])).toEqual(['127.0.0.5', '127.0.0.6']);
  });
});
