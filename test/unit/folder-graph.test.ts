// lambda/'s folders import one way (docs/ARCHITECTURE.md): no cycle between folders, shared/
// imports no other folder, and no domain folder imports the store, the router or the route table.
// A cycle lets a change in one folder reach back into itself; a domain that imports an adapter
// can no longer run on another store or behind another edge.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brokenRules, folderCycles, folderEdges } from '../../scripts/folder-graph';

const fakeLambda = (files: Record<string, string>): string => {
  const root = mkdtempSync(join(tmpdir(), 'folder-graph-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
};

describe('the folder graph of lambda/', () => {
  const edges = folderEdges();

  it('has no cycle', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('keeps shared/ below everything and the domains free of adapters', () => {
    expect(brokenRules(edges)).toEqual([]);
  });

  it('sees the edges it is meant to see', () => {
    const pairs = edges.map(({ from, to }) => `${from} -> ${to}`);
    expect(pairs).toEqual(
      expect.arrayContaining(['router -> account', 'account -> users', 'store -> users']),
    );
  });
});

describe('the folder graph checker', () => {
  const roots: string[] = [];
  const check = (files: Record<string, string>) => {
    const root = fakeLambda(files);
    roots.push(root);
    const edges = folderEdges(root);
    return { cycles: folderCycles(edges), broken: brokenRules(edges) };
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('finds a cycle made by a dynamic import', () => {
    const { cycles } = check({
      'users/a.ts': "import { b } from '../sessions/b';\n",
      'sessions/b.ts': "export const b = () => import('../users/a');\n",
    });
    expect(cycles).toEqual([['sessions', 'users']]);
  });

  it('finds a cycle through a file directly under lambda/', () => {
    const { cycles } = check({
      'routes.ts': "import type { S } from './users/schemas';\n",
      'users/schemas.ts': "export { ROUTES } from '../routes';\n",
    });
    expect(cycles).toEqual([['routes.ts', 'users']]);
  });

  it('refuses shared/ importing another folder, and a domain importing an adapter', () => {
    const { cycles, broken } = check({
      'shared/a.ts': "import { k } from '../tokens/key-set';\n",
      'tokens/key-set.ts': 'export const k = 1;\n',
      'mail/b.ts': "import { s } from '../store/outbox';\nimport { r } from '../routes';\n",
      'store/outbox.ts': 'export const s = 1;\n',
      'routes.ts': 'export const r = 1;\n',
    });
    expect(cycles).toEqual([]);
    expect(broken).toEqual([
      'shared/ imports tokens (shared/a.ts → ../tokens/key-set)',
      'domain folder mail/ imports routes.ts (mail/b.ts → ../routes)',
      'domain folder mail/ imports store (mail/b.ts → ../store/outbox)',
    ]);
  });
});
