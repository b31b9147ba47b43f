// Pages Lambda entry, its composition root: the only module of the pages function that reads the
// environment. The built files sit beside the bundle (lib/pages-function.ts copies them there);
// they are read once per cold start.
import { join } from 'node:path';
import { brandOf, createPagesHandler, type PagesHandler } from './create-pages-handler';
import { readPageFiles } from './page-files';

const env = process.env;

export const handler: PagesHandler = createPagesHandler(
  readPageFiles(join(import.meta.dirname, 'pages')),
  brandOf(env.PRODUCT_NAME, env.ACCENT_COLOR),
);
