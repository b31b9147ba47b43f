// The API reference over real HTTP: GET /openapi.json (a public route of the table, deployed too)
// and the local-only GET /docs page with the renderer's files, all from this origin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectProblem } from '../support/expect';
import { ADMIN, testStackForThisFile } from '../support/stack';
import type { Call } from '../support/transport';

const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'));

const stack = testStackForThisFile({ over: 'http', admin: ADMIN });
const call: Call = (...args) => stack.call(...args);

describe('GET /openapi.json', () => {
  it('serves the committed document to anyone', async () => {
    const response = await call('GET', '/openapi.json');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.body).toEqual(committed);
  });

  it('refuses a bad bearer token with 401, like every public route', async () => {
    const response = await call('GET', '/openapi.json', { token: 'not-a-jwt' });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('GET /docs', () => {
  it('serves the reference page, allowed to load nothing from another origin', async () => {
    const response = await call('GET', '/docs');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.text).not.toMatch(/(https?:)?\/\/[^"'\s]/);
  });

  it('serves every file the page loads, with its media type', async () => {
    const page = (await call('GET', '/docs')).text;
    const files = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, file]) => file ?? '');

    const answers = await Promise.all(files.map(async (file) => [file, await call('GET', file)] as const));

    expect(files).toEqual(expect.arrayContaining(['/docs/init.js', '/docs/assets/swagger-ui-bundle.js']));
    for (const [file, answer] of answers) {
      expect([file, answer.status]).toEqual([file, 200]);
      expect(answer.headers.get('content-type')).toMatch(/^(text\/(javascript|css)|image\/png)/);
    }
  });

  it('points the renderer at /openapi.json and nowhere else', async () => {
    const init = (await call('GET', '/docs/init.js')).text;

    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  it.each([
    ['GET', '/docs/assets/package.json'],
    ['GET', '/docs/assets/'],
    ['GET', '/docs/nope'],
    ['POST', '/docs'],
  ])(
    'answers %s %s with the 404 problem of an unknown route: only the page and its files are served',
    async (method, path) => {
      expectProblem(await call(method, path), 404);
    },
  );
});
