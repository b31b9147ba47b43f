// `npm run openapi`: writes docs/openapi.json from the route table and the schemas
// (scripts/openapi/document.ts). `--check` writes nothing and fails when the file is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApiDocument } from './openapi/document';

export const OPENAPI_FILE = join(__dirname, '..', 'docs', 'openapi.json');

const current = (): string | undefined => {
  try {
    return readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    return undefined;
  }
};

const document = renderOpenApiDocument();
if (process.argv.includes('--check')) {
  if (current() !== document) {
    console.error('docs/openapi.json is not current: run `npm run openapi` and commit it.');
    process.exit(1);
  }
  console.log('docs/openapi.json is current.');
} else if (current() === document) {
  console.log('docs/openapi.json is current.');
} else {
  writeFileSync(OPENAPI_FILE, document);
  console.log(`Wrote docs/openapi.json (${Buffer.byteLength(document)} bytes).`);
}
