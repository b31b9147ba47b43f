// The committed OpenAPI document (docs/openapi.json), as GET /openapi.json serves it. The bundle
// carries it brotli-compressed (openapi-document.data.ts, written by `npm run openapi`): ~13 KB of
// string instead of a ~61 KB object literal that every cold start would parse and build for one
// rarely called route. Unpacked on first use (about a millisecond), then kept.
import { OPENAPI_DOCUMENT_BROTLI_BASE64 } from './openapi-document.data';

/** docs/openapi.json as compact JSON, from the packed copy. */
export const unpackOpenApiDocument = (packed: string = OPENAPI_DOCUMENT_BROTLI_BASE64): string =>
  // node:zlib taken here, not imported: an import would load it on every cold start.
  process.getBuiltinModule('node:zlib').brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8');

let document: unknown;

export const openApiDocument = (): unknown => {
  document ??= JSON.parse(unpackOpenApiDocument());
  return document;
};
