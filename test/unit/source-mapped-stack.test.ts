import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { sourceMappedStack } from '../../lambda/shared/source-mapped-stack';

describe('sourceMappedStack', () => {
  let dir: string;
  let rawStack: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'source-mapped-stack-'));
    const source = join(dir, 'failing.ts');
    writeFileSync(
      source,
      ['export const fail = (): never => {', "  throw new Error('from the source');", '};', ''].join('\n'),
    );
    const bundle = join(dir, 'bundle.js');
    buildSync({
      entryPoints: [source],
      outfile: bundle,
      bundle: true,
      minify: true,
      sourcemap: true,
      format: 'cjs',
      platform: 'node',
      sourcesContent: false,
      logLevel: 'warning',
    });
    // A fresh node, as on Lambda: Jest maps the stacks of what it requires itself.
    const script = `try { require(${JSON.stringify(bundle)}).fail() } catch (e) { process.stdout.write(e.stack) }`;
    rawStack = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('points the minified bundle frames at the TypeScript source line', () => {
    expect(rawStack).toMatch(/bundle\.js:1:\d+/);

    const mapped = sourceMappedStack(rawStack);

    expect(mapped).toMatch(/failing\.ts:2:\d+/);
    expect(mapped).not.toMatch(/bundle\.js:1:/);
  });

  it('leaves frames of files without a map as they are', () => {
    const stack =
      'Error: x\n    at f (/nowhere/index.mjs:1:10)\n    at node:internal/process/task_queues:95:5';

    expect(sourceMappedStack(stack)).toBe(stack);
  });
});
