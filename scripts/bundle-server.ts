// `npm run bundle:server [-- --out DIR]`: the server as the image runs it (the Dockerfile's build
// stage), written to dist/server. One folder holds everything `node server.mjs` needs and nothing
// else: the ESM bundles of the server, the migration script and the bcrypt worker; the migrations;
// the built pages; and the two packages that must stay files (PGlite loads its WASM and data beside
// its own module; piscina starts its worker from its own folder).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { MIGRATIONS_DIR } from '../lambda/store/sql/migrate';
import { buildPages, writePages } from '../pages/build';

const ROOT = resolve(__dirname, '..');
export const DEFAULT_SERVER_OUT_DIR = join(ROOT, 'dist', 'server');

/** Left as packages in node_modules beside the bundle; neither has dependencies of its own. */
export const EXTERNAL_PACKAGES = ['@electric-sql/pglite', 'piscina'] as const;

/**
 * What the image leaves out, and says so when asked: the in-memory pages build (esbuild itself;
 * the image sets PAGES_DIR) and `--catch-mail` (the test mail catcher and its SMTP server).
 */
const LEFT_OUT: Readonly<Record<string, string>> = {
  '../pages/build': 'this build serves the pages in PAGES_DIR and cannot build them: set PAGES_DIR',
  '../local/mail-catcher': '--catch-mail is for trying the server out from a checkout, not in this build',
  '../local/pages': '--catch-mail is for trying the server out from a checkout, not in this build',
};

const leaveOut: Plugin = {
  name: 'leave-out',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/(pages\/build|local\/(mail-catcher|pages))$/ }, ({ path }) => ({
      path,
      namespace: 'left-out',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'left-out' }, ({ path }) => ({
      contents: `throw new Error(${JSON.stringify(LEFT_OUT[path] ?? `${path} is not in this build`)});`,
      loader: 'js',
    }));
  },
};

export const bundleServer = async (outDir = DEFAULT_SERVER_OUT_DIR): Promise<void> => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: {
      server: join(ROOT, 'server', 'index.ts'),
      migrate: join(ROOT, 'scripts', 'migrate.ts'),
      // A worker thread loads it by path (server/password-pool.ts): bundled, it needs no bcryptjs folder.
      'bcrypt-worker': join(ROOT, 'server', 'bcrypt-worker.mjs'),
    },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    absWorkingDir: ROOT,
    // As the Lambda bundles are made (lib/api-function.ts), the SDK's credential chain aside: a pod
    // may get its AWS credentials from a web identity or the instance, not only the environment.
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [...EXTERNAL_PACKAGES],
    plugins: [leaveOut],
    logLevel: 'warning',
    // CommonJS dependencies call require(); the code finds the migrations and the bcrypt worker
    // beside its own module through __dirname (lambda/store/sql/migrate.ts, server/password-pool.ts):
    // in the bundle that is the bundle's folder, where they are copied below.
    banner: {
      js: [
        "import { createRequire } from 'node:module';",
        "import { dirname as __bundleDirname } from 'node:path';",
        "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
        'const require = createRequire(import.meta.url);',
        'const __filename = __bundleFileURLToPath(import.meta.url);',
        'const __dirname = __bundleDirname(__filename);',
      ].join(' '),
    },
  });
  cpSync(MIGRATIONS_DIR, join(outDir, 'migrations'), { recursive: true });
  writePages(await buildPages(), join(outDir, 'pages'));
  for (const name of EXTERNAL_PACKAGES) {
    // What runs (dist/), what names it (package.json) and its licence; not its sources, tests,
    // docs, source maps or type declarations.
    for (const part of ['package.json', 'LICENSE', 'dist']) {
      cpSync(join(ROOT, 'node_modules', name, part), join(outDir, 'node_modules', name, part), {
        recursive: true,
        filter: (source) => !/\.(map|d\.ts|d\.cts|d\.mts)$/.test(source),
      });
    }
  }
};

if (require.main === module) {
  const outIndex = process.argv.indexOf('--out');
  const outDir =
    outIndex === -1 ? DEFAULT_SERVER_OUT_DIR : resolve(process.argv[outIndex + 1] ?? DEFAULT_SERVER_OUT_DIR);
  bundleServer(outDir).then(
    () => console.log(`server bundle written to ${outDir}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
