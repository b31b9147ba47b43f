// `npx tsx scripts/folder-graph.ts`: the folder-level import graph of lambda/ (static and dynamic
// imports), and the rules that keep it one-way. Prints the edges, each with one file that makes it,
// and every broken rule; exits 1 when a rule is broken. test/unit/folder-graph.test.ts holds the
// repository to the same rules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const LAMBDA_DIR = join(__dirname, '..', 'lambda');

/** Folders that hold domain rules: they know neither HTTP nor a database nor the route table. */
export const DOMAIN_FOLDERS = ['users', 'sessions', 'mfa', 'mail', 'audit', 'tokens', 'limits', 'account'];
/** What a domain folder must not import: the adapters and the table that wires them. */
export const ADAPTERS = ['store', 'router', 'routes.ts'];

export interface Edge {
  from: string;
  to: string;
  /** One file that makes the edge, and what it imports. */
  example: string;
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });

// `from '…'`, `import '…'`, `import('…')` and `require('…')`: static and dynamic alike.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

/** The folder of lambda/ a path belongs to; a file directly under lambda/ is its own node. */
const folderOf = (root: string, path: string): string | undefined => {
  const inside = relative(root, path);
  if (inside.startsWith('..')) return undefined;
  const [first, ...rest] = inside.split(sep);
  if (first === undefined) return undefined;
  return rest.length === 0 ? `${first.replace(/\.ts$/, '')}.ts` : first;
};

export const folderEdges = (root = LAMBDA_DIR): Edge[] => {
  const edges = new Map<string, Edge>();
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file);
    if (from === undefined) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1];
      if (specifier === undefined) continue;
      const to = folderOf(root, resolve(dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, example: `${relative(root, file)} → ${specifier}` });
    }
  }
  return [...edges.values()].sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
};

/** Every strongly connected group of more than one folder (Tarjan); empty when the graph is one-way. */
export const folderCycles = (edges: readonly Edge[]): string[][] => {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    for (;;) {
      const member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
      if (member === node) break;
    }
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return groups;
};

/** The rules besides "no cycle", each broken edge as a sentence. */
export const brokenRules = (edges: readonly Edge[]): string[] => [
  ...edges
    .filter((edge) => edge.from === 'shared')
    .map((edge) => `shared/ imports ${edge.to} (${edge.example})`),
  ...edges
    .filter((edge) => DOMAIN_FOLDERS.includes(edge.from) && ADAPTERS.includes(edge.to))
    .map((edge) => `domain folder ${edge.from}/ imports ${edge.to} (${edge.example})`),
];

if (require.main === module) {
  const edges = folderEdges();
  for (const edge of edges) console.log(`${edge.from} -> ${edge.to}    (${edge.example})`);
  const problems = [
    ...folderCycles(edges).map((group) => `cycle through ${group.join(', ')}`),
    ...brokenRules(edges),
  ];
  for (const problem of problems) console.error(`BROKEN: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log('folder graph is one-way');
}
