// Stack traces mapped back to the TypeScript sources, paid for only when an error is logged.
// `--enable-source-maps` would read and parse every bundle's map on every cold start, and
// `process.setSourceMapsEnabled(true)` at logging time maps nothing: Node parses the maps of
// modules loaded after it is enabled, and the bundle was loaded long before.
// The three builtins it needs are fetched when an error is first logged, not imported: an ESM
// `import` of node:fs builds the module's whole export list, `fs.promises` and its streams
// included, which cost the authorizer's cold start ~3 ms of CPU for a function it rarely calls.
import type { SourceMapPayload } from 'node:module';

const builtins = () => ({
  readFileSync: process.getBuiltinModule('node:fs').readFileSync,
  SourceMap: process.getBuiltinModule('node:module').SourceMap,
  fileURLToPath: process.getBuiltinModule('node:url').fileURLToPath,
});

const FRAME = /(file:\/\/\/[^\s()]+?|\/[^\s():]+?)\.(m?js):(\d+):(\d+)/g;
type SourceMap = import('node:module').SourceMap;
const maps = new Map<string, SourceMap | null>();

const mapOf = (file: string): SourceMap | null => {
  let map = maps.get(file);
  if (map === undefined) {
    const { readFileSync, SourceMap } = builtins();
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      // No map beside the file (local runs from TypeScript, Node's own frames): frames stay as they are.
      map = null;
    }
    maps.set(file, map);
  }
  return map;
};

/** Rewrites each `file.mjs:line:column` that has a map beside it to `source.ts:line:column`. */
export const sourceMappedStack = (stack: string): string =>
  // Node < 20.16 has no getBuiltinModule (Lambda's Node 24 has): frames then stay as they are.
  typeof process.getBuiltinModule !== 'function'
    ? stack
    : stack.replace(FRAME, (frame, path: string, extension: string, line: string, column: string) => {
        const { fileURLToPath } = builtins();
        const file = `${path.startsWith('file:') ? fileURLToPath(path) : path}.${extension}`;
        const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1) as
          | { originalSource?: string; originalLine?: number; originalColumn?: number }
          | undefined;
        if (entry?.originalSource === undefined || entry.originalLine === undefined) return frame;
        const source = entry.originalSource.startsWith('file:')
          ? fileURLToPath(entry.originalSource)
          : entry.originalSource;
        return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
      });
