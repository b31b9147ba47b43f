// The README's downstream-verification snippet (jose createRemoteJWKSet against the JWKS URL), run
// as written in a fresh Node process against the local stack over HTTP: only its API_URL is
// pointed at the stack. It must accept a token the API issued and refuse a forged one.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { foreignKeyToken, hmacToken } from '../support/forged-tokens';
import { E2E_ADMIN, startTestStack, type TestStack } from '../support/local-stack';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

const snippet = (): string => {
  const match = /<!-- downstream-verify:[^>]*-->\s*```js\n([\s\S]*?)```/.exec(README);
  if (!match?.[1]) throw new Error('README.md has no downstream-verify block');
  return match[1];
};

let stack: TestStack;
let folder: string;
let script: string;

beforeAll(async () => {
  stack = await startTestStack();
  // Inside node_modules/.cache so that the snippet's `import 'jose'` resolves as in a real project.
  folder = mkdtempSync(join(ROOT, 'node_modules', '.cache-readme-jwks-'));
  script = join(folder, 'verify.mjs');
  const code = snippet();
  const pointed = code.replace(/^const API_URL = '[^']*';/m, `const API_URL = ${JSON.stringify(stack.url)};`);
  if (pointed === code) throw new Error("the snippet has no `const API_URL = '…';` line");
  writeFileSync(
    script,
    `${pointed}\nconsole.log(JSON.stringify(await verifyAccessToken(process.argv[2])));\n`,
  );
});

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await stack?.close();
});

const run = async (token: string) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script, token], { cwd: folder });
    return { ok: true as const, payload: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') };
  } catch (error) {
    return { ok: false as const, error: String((error as { stderr?: string }).stderr ?? error) };
  }
};

it('verifies a token the API issued, fetching the keys from the JWKS URL', async () => {
  const login = await fetch(`${stack.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(E2E_ADMIN),
  });
  const { token, user } = (await login.json()) as { token: string; user: { id: string } };

  const result = await run(token);

  expect(result).toEqual({
    ok: true,
    payload: expect.objectContaining({ sub: user.id, role: 'admin', amr: ['pwd'] }),
  });
});

it('refuses a token signed by a key the JWKS does not hold, and an HS256 one', async () => {
  const claims = {
    sub: '00000000-0000-4000-8000-000000000000',
    role: 'admin',
    amr: ['pwd'],
    tv: 0,
    iss: 'user-api',
    aud: 'user-api',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  };
  const keys = (await (await fetch(`${stack.url}/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };

  const foreign = await run(await foreignKeyToken(claims, { kid: keys.keys[0]?.kid ?? '' }));
  const hs256 = await run(await hmacToken(claims, 'a-shared-secret-of-at-least-32-characters'));

  expect(foreign.ok).toBe(false);
  expect(hs256.ok).toBe(false);
});
