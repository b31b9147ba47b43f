// The pages' build: esbuild turns pages/src (Preact, TSX) into static files with hashed names —
// each app's HTML and the scripts, styles and icon it loads, nothing inline and nothing from
// another origin. `npm run build:pages` writes them to dist/pages (the pages function's bundle
// copies them from there, lib/pages-function.ts); `npm start` and the tests build them in memory.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ASSETS_PATH, contentTypeOf, HTML_FILE, type PageFiles } from '../lambda/pages/page-files';
import type { PAGE_BASES } from '../lambda/routes';

const SOURCE = join(__dirname, 'src');
export const DEFAULT_OUT_DIR = resolve(__dirname, '..', 'dist', 'pages');

/** Each base path's entry module, in pages/src. */
const ENTRIES: Readonly<Record<(typeof PAGE_BASES)[number], string>> = { '/account': 'account.tsx' };

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="11" r="6" fill="#2250c8"/><path d="M4 30c0-7 5-11 12-11s12 4 12 11z" fill="#2250c8"/></svg>\n`;

const hashOf = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 10);

const page = (assets: { script: string; style: string | undefined; icon: string }): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="application-name" content="%PRODUCT_NAME%">
<meta name="theme-color" content="%ACCENT_COLOR%">
<title>%PRODUCT_NAME%</title>
<link rel="icon" type="image/svg+xml" href="${assets.icon}">
${assets.style ? `<link rel="stylesheet" href="${assets.style}">\n` : ''}<script type="module" src="${assets.script}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>These pages need JavaScript.</p></noscript>
</body>
</html>
`;

/** Builds every app into memory: what the pages function serves. */
export const buildPages = async (): Promise<PageFiles> => {
  const result = await build({
    entryPoints: Object.values(ENTRIES).map((entry) => join(SOURCE, entry)),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    write: false,
    metafile: true,
    outdir: join(SOURCE, 'out'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const urlOf = (outputPath: string) => `${ASSETS_PATH}/${basename(outputPath)}`;
  const assets: Record<string, { contentType: string; body: string }> = {};
  for (const file of result.outputFiles) {
    const contentType = contentTypeOf(file.path);
    if (contentType) assets[urlOf(file.path)] = { contentType, body: file.text };
  }
  const icon = `${ASSETS_PATH}/icon-${hashOf(ICON)}.svg`;
  assets[icon] = { contentType: 'image/svg+xml', body: ICON };
  const outputs = Object.entries(result.metafile.outputs);
  const html = Object.fromEntries(
    Object.entries(ENTRIES).map(([base, entry]) => {
      const found = outputs.find(([, output]) => output.entryPoint?.endsWith(`src/${entry}`));
      if (!found) throw new Error(`pages/build.ts: no output for ${entry}`);
      const [script, output] = found;
      return [
        base,
        page({ script: urlOf(script), style: output.cssBundle && urlOf(output.cssBundle), icon }),
      ];
    }),
  );
  return { html, assets };
};

/** Writes a build where readPageFiles() finds it: `<app>.html` and `assets/`. */
export const writePages = (files: PageFiles, outDir: string = DEFAULT_OUT_DIR): void => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  for (const [base, html] of Object.entries(files.html)) writeFileSync(join(outDir, HTML_FILE(base)), html);
  for (const [path, asset] of Object.entries(files.assets)) {
    writeFileSync(join(outDir, 'assets', basename(path)), asset.body);
  }
};

/** Each asset's size, minified and gzipped, for the build's report and the bench. */
export const sizesOf = (files: PageFiles) =>
  Object.entries(files.assets).map(([path, asset]) => ({
    path,
    bytes: Buffer.byteLength(asset.body),
    gzipBytes: gzipSync(asset.body).length,
  }));

if (require.main === module) {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex === -1 ? DEFAULT_OUT_DIR : resolve(process.argv[outIndex + 1] ?? DEFAULT_OUT_DIR);
  buildPages().then(
    (files) => {
      writePages(files, outDir);
      for (const { path, bytes, gzipBytes } of sizesOf(files)) {
        console.log(`${path}  ${(bytes / 1024).toFixed(1)} KB min, ${(gzipBytes / 1024).toFixed(1)} KB gzip`);
      }
      console.log(`pages written to ${outDir}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
