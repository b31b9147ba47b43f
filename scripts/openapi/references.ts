// The document's building blocks: its JSON type, references to its components, the schemas
// written inline, and an example from examples.ts.

import type { ResponseSchemaName } from '../../lambda/router/response-schemas';
import type { ResponseBodyName } from '../../lambda/routes';
import { examples } from './examples';
import type { RequestSchemaName } from './schemas';

export type Json = Record<string, unknown>;

export const schemaRef = (name: ResponseSchemaName | RequestSchemaName | string): Json => ({
  $ref: `#/components/schemas/${name}`,
});
export const ref = (kind: 'headers' | 'parameters' | 'responses', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Response schemas that are not valibot schemas of ours (the document describes itself loosely). */
export const INLINE_SCHEMAS = {
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' } },
  },
  Jwks: {
    type: 'object',
    required: ['keys'],
    additionalProperties: false,
    properties: {
      keys: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          description: 'An ES256 public key: never a private member.',
          required: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
          additionalProperties: false,
          properties: {
            kty: { const: 'EC' },
            crv: { const: 'P-256' },
            x: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
            y: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
            kid: { type: 'string' },
            alg: { const: 'ES256' },
            use: { const: 'sig' },
          },
        },
      },
    },
  },
} as const satisfies Partial<Record<ResponseBodyName, Json>>;

export const exampleOf = (key: string | undefined): unknown =>
  key === undefined ? undefined : (examples as Record<string, unknown>)[key];
