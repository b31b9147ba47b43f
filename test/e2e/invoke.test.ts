// events/ and `npm run invoke`: one sample event per route of the table, each a payload 2.0
// event the router accepts, and the CLI that runs one through the router on a seeded database.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayEvent } from '../../gateway/gateway-types';
import { routeKey, routes } from '../../lambda/routes';
import { DEMO_ACCOUNTS } from '../../local/demo-accounts';

const ROOT = join(__dirname, '..', '..');
const EVENTS = join(ROOT, 'events');

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const readEvent = (file: string): GatewayEvent => JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));
const eventFiles = readdirSync(EVENTS).filter((file) => file.endsWith('.json'));

const invoke = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const env = { ...process.env };
    for (const name of [
      'TABLE_NAME',
      'SIGNING_KEYS',
      'PUBLIC_KEYS',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'LOG_LEVEL',
    ])
      delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/invoke.ts', ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

describe('events/', () => {
  it('holds exactly one event per route, named after its handler', () => {
    expect(eventFiles.sort()).toEqual(routes.map((route) => `${kebab(route.handler)}.json`).sort());
  });

  it.each(routes.map((route) => [routeKey(route), route] as const))(
    '%s: a payload 2.0 event of that route',
    (key, route) => {
      const event = readEvent(`${kebab(route.handler)}.json`);
      const template = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);

      expect(event.version).toBe('2.0');
      expect(event.routeKey).toBe(key);
      expect(event.requestContext.routeKey).toBe(key);
      expect(event.requestContext.http.method).toBe(route.method);
      expect(event.requestContext.http.path).toBe(event.rawPath);
      expect(template.exec(event.rawPath)?.groups).toEqual(event.pathParameters);
      expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
      if (event.body !== undefined) expect(() => JSON.parse(event.body ?? '')).not.toThrow();
    },
  );

  it.each(routes.map((route) => [routeKey(route), route] as const))(
    '%s: an authorizer context exactly when the route is protected, for a demo account',
    (_key, route) => {
      const event = readEvent(`${kebab(route.handler)}.json`);
      const context = event.requestContext.authorizer?.lambda;

      if (route.access === 'public') {
        expect(context).toBeUndefined();
      } else {
        const account = Object.values(DEMO_ACCOUNTS).find((demo) => demo.id === context?.sub);
        expect(account).toBeDefined();
        expect(context).toEqual({
          sub: account?.id,
          role: account === DEMO_ACCOUNTS.admin ? 'admin' : 'user',
          // One space-separated string (see create-authorizer.ts): `pwd`, or `pwd otp` after a second factor.
          amr: expect.stringMatching(/^pwd( otp)?$/),
          tv: expect.any(Number),
          sid: expect.any(String),
          iat: expect.any(Number),
          exp: expect.any(Number),
        });
        expect(event.headers.authorization).toMatch(/^Bearer /);
      }
    },
  );
});

describe('npm run invoke', () => {
  it('runs a protected event through the router against seeded demo accounts and prints the response', async () => {
    const { code, stdout, stderr } = await invoke(['events/get-user.json']);

    expect(code).toBe(0);
    const response = JSON.parse(stdout);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(expect.objectContaining({ email: DEMO_ACCOUNTS.user.email }));
    expect(stderr).toContain('Seeded');
  }, 90_000);

  it('explains its usage without an event file', async () => {
    const { code, stderr } = await invoke([]);

    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run invoke -- events/<name>.json');
  });
});
