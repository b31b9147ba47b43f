// The README's curl walkthrough, run as written against a fresh local stack, so it cannot go
// stale. Each curl command becomes a fetch; `NAME=$(curl … | jq -r .field)` keeps a field for
// later commands; every command must end with its expected status (`# → 201`). Only the shell
// and curl features the walkthrough uses are understood; anything else fails the test loudly,
// rather than being skipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../support/local-stack';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const README_BASE_URL = 'http://localhost:3000';

interface Step {
  readonly source: string;
  readonly expectedStatus: number;
  /** The variable a `NAME=$(… | jq -r .path)` assigns, and the path it takes. */
  readonly capture?: { readonly variable: string; readonly path: string[] };
  readonly curl: string;
}

/** The fenced blocks right after each walkthrough marker, in README order, as one script. */
const walkthroughBlock = (): string => {
  const blocks = [...README.matchAll(/<!-- walkthrough:[^>]*-->\s*```bash\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? '',
  );
  if (blocks.length === 0) throw new Error('README.md has no walkthrough block');
  return blocks.join('\n');
};

/** Logical commands: continuation lines joined, comments split off. */
const commands = (block: string): { command: string; comment: string }[] =>
  block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => {
      // A `#` that starts a word outside quotes begins a comment; none of ours is quoted.
      const at = line.search(/(^|\s)#/);
      return at === -1
        ? { command: line.trim(), comment: '' }
        : { command: line.slice(0, at).trim(), comment: line.slice(at) };
    })
    .filter(({ command }) => command !== '');

const steps = (block: string): Step[] =>
  commands(block).map(({ command, comment }) => {
    const status = /→\s*(\d{3})/.exec(comment)?.[1];
    if (!status) throw new Error(`walkthrough command without "# → <status>": ${command}`);
    const assignment = /^([A-Z_]+)=\$\((.*)\)$/.exec(command);
    if (!assignment) return { source: command, expectedStatus: Number(status), curl: command };
    const [, variable = '', pipeline = ''] = assignment;
    const [curl = '', jq = ''] = pipeline.split(/\s\|\s/);
    // `.a.b`, or quoted with array indexes: `'.items[0].token'`.
    const path = /^jq -r ('?)\.([\w.[\]]+)\1$/.exec(jq.trim())?.[2];
    if (!path) throw new Error(`only "| jq -r .field" is understood, not: ${jq}`);
    return {
      source: command,
      expectedStatus: Number(status),
      capture: { variable, path: path.replace(/\[(\d+)\]/g, '.$1').split('.') },
      curl,
    };
  });

/** Shell words: single quotes literal, double quotes and bare words expand $NAME. */
const words = (text: string, variables: Record<string, string>): string[] => {
  const expand = (value: string) =>
    value.replace(/\$(\w+)/g, (_match, name: string) => {
      const found = variables[name];
      if (found === undefined) throw new Error(`$${name} is used before the walkthrough sets it`);
      return found;
    });
  const result: string[] = [];
  // A word runs until unquoted whitespace; its quoted and bare parts join (NAME='a b' is one word).
  for (const [word] of text.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+/g)) {
    let value = '';
    for (const [, single, double, bare] of word.matchAll(/'([^']*)'|"([^"]*)"|([^'"]+)/g)) {
      if (single !== undefined) value += single;
      else if (double !== undefined) value += expand(double);
      else if (bare !== undefined) {
        if (/[\\|;&<>`]/.test(bare)) throw new Error(`unsupported shell syntax in ${word}`);
        value += expand(bare);
      }
    }
    result.push(value);
  }
  return result;
};

/** The curl options the walkthrough uses, as a fetch. */
const toFetch = (args: string[], baseUrl: string): { url: string; init: RequestInit } => {
  if (args.shift() !== 'curl') throw new Error(`not a curl command: ${args.join(' ')}`);
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  while (args.length > 0) {
    const arg = args.shift() ?? '';
    if (arg === '-i' || arg === '-s' || arg === '-sS') continue;
    if (arg === '-X') method = args.shift();
    else if (arg === '-H') {
      const [name = '', ...value] = (args.shift() ?? '').split(':');
      headers[name.trim()] = value.join(':').trim();
    } else if (arg === '-d') body = args.shift();
    else if (arg.startsWith(README_BASE_URL)) url = baseUrl + arg.slice(README_BASE_URL.length);
    else throw new Error(`unsupported curl argument: ${arg}`);
  }
  if (!url) throw new Error('a curl command without the README URL');
  return { url, init: { method: method ?? (body === undefined ? 'GET' : 'POST'), headers, body } };
};

/** `ADMIN_EMAIL=… ADMIN_PASSWORD=… npm start`, as the README tells a newcomer to start. */
const readmeAdmin = (): { email: string; password: string } => {
  const line = README.split('\n').find((text) => /^ADMIN_EMAIL=.*npm start/.test(text));
  if (!line) throw new Error('README.md has no "ADMIN_EMAIL=… npm start" line');
  const env = Object.fromEntries(
    words(line.replace(/\s#.*$/, ''), {})
      .filter((word) => word.includes('='))
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
  return { email: env.ADMIN_EMAIL ?? '', password: env.ADMIN_PASSWORD ?? '' };
};

describe('the README walkthrough', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ admin: readmeAdmin() });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('signs up, logs in, uses the token and lists as admin, each command with its stated status', async () => {
    const walkthrough = steps(walkthroughBlock());
    const variables: Record<string, string> = {};
    const seen: string[] = [];

    for (const step of walkthrough) {
      const { url, init } = toFetch(words(step.curl, variables), stack.url);
      const isInbox = new URL(url).pathname === '/_local/inbox';
      // A mail reaches the inbox within 5 s of its request (the contract), as a reader waits for
      // it: an inbox read is repeated until it shows a token no earlier command captured.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const response = await fetch(url, init);
        const text = await response.text();
        const value = step.capture?.path.reduce<unknown>(
          (node, key) => (node as Record<string, unknown>)?.[key],
          JSON.parse(text || 'null'),
        );
        const fresh = typeof value === 'string' && !Object.values(variables).includes(value);
        if (isInbox && step.capture && !fresh && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        seen.push(`${response.status} ${init.method} ${new URL(url).pathname}`);
        expect({ command: step.source, status: response.status }).toEqual({
          command: step.source,
          status: step.expectedStatus,
        });
        if (step.capture) {
          expect(typeof value).toBe('string');
          variables[step.capture.variable] = value as string;
        }
        break;
      }
    }

    // The walkthrough keeps covering what it promises.
    expect(seen.join('\n')).toMatch(/^201 POST \/users\n200 POST \/login\n200 GET \/users\/[\w-]+/);
    expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(/^200 GET \/users$/)]));
    expect(seen).toEqual(
      expect.arrayContaining(['200 GET /_local/inbox', '204 POST /password-reset/confirm']),
    );
  });
});
