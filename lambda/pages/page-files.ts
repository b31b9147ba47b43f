// The built pages as the pages function serves them: each app's HTML (one per base path, served
// for every deep link under it) and the assets it loads, whose names carry a hash of their content.
// pages/build.ts makes them; the pages function reads them from its bundle, `npm start` and the
// tests from an in-memory build.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PageAsset {
  readonly contentType: string;
  readonly body: string;
}

export interface PageFiles {
  /** Each app's HTML by its base path (`/account`), with the `%PRODUCT_NAME%` and `%ACCENT_COLOR%` slots. */
  readonly html: Readonly<Record<string, string>>;
  /** `/assets/<name>-<hash>.<ext>` → the file. */
  readonly assets: Readonly<Record<string, PageAsset>>;
}

export const ASSETS_PATH = '/assets';
export const HTML_FILE = (base: string): string => `${base.replace(/^\//, '')}.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export const contentTypeOf = (name: string): string | undefined =>
  CONTENT_TYPES[/\.[a-z]+$/.exec(name)?.[0] ?? ''];

/**
 * Reads a folder pages/build.ts wrote: `<app>.html` for each base path and `assets/`. A file of a
 * type it does not know is left out rather than served with a guessed type.
 */
export const readPageFiles = (folder: string): PageFiles => ({
  html: Object.fromEntries(
    readdirSync(folder)
      .filter((name) => name.endsWith('.html'))
      .map((name) => [`/${name.slice(0, -'.html'.length)}`, readFileSync(join(folder, name), 'utf8')]),
  ),
  assets: Object.fromEntries(
    readdirSync(join(folder, 'assets')).flatMap((name) => {
      const contentType = contentTypeOf(name);
      return contentType
        ? [
            [
              `${ASSETS_PATH}/${name}`,
              { contentType, body: readFileSync(join(folder, 'assets', name), 'utf8') },
            ],
          ]
        : [];
    }),
  ),
});
