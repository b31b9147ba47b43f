// The OpenAPI document: current with the code, valid OpenAPI 3.1, complete for the route table,
// its examples true to its schemas and to the API's own validation, and what the API serves.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { handlers } from '../../lambda/router/handlers';
import { routes } from '../../lambda/routes';
import { parseStrict } from '../../lambda/shared/parse-strict';
import { loginSchema } from '../../lambda/users/schemas';
import { packedCopyIsCurrent } from '../../scripts/openapi';
import { renderOpenApiDocument } from '../../scripts/openapi/document';
import { createContract } from '../support/openapi-contract';

type Json = Record<string, unknown>;

const committedText = readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8');
const document = JSON.parse(committedText) as Json;
const paths = document.paths as Record<string, Record<string, Json>>;
const components = document.components as Record<string, Record<string, Json>>;
const operationOf = (route: (typeof routes)[number]): Json => {
  const operation = paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${route.method} ${route.path} is not in the document`);
  return operation;
};
const responseOf = (route: (typeof routes)[number], status: number): Json => {
  const response = (operationOf(route).responses as Record<string, Json>)[String(status)] ?? {};
  const target = typeof response.$ref === 'string' ? response.$ref.split('/').pop() : undefined;
  return target ? (components.responses?.[target] ?? {}) : response;
};

describe('docs/openapi.json', () => {
  it('is exactly what `npm run openapi` writes now (run it and commit the file when this fails)', () => {
    expect(committedText).toBe(renderOpenApiDocument());
  });

  it('has a packed copy in the router that unpacks to it (`npm run openapi` writes both)', () => {
    expect(packedCopyIsCurrent(committedText)).toBe(true);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const api = await SwaggerParser.validate(structuredClone(document) as unknown as OpenAPI.Document);

    expect(api).toHaveProperty('openapi', '3.1.0');
  });

  it('has one operation per route of the table, named after its handler, with its summary', () => {
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(operations.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of routes) {
      expect(operationOf(route)).toEqual(
        expect.objectContaining({ operationId: route.handler, summary: route.summary }),
      );
    }
  });

  it('requires the bearer token exactly on the bearer routes', () => {
    for (const route of routes) {
      const security = operationOf(route).security as Json[] | undefined;
      if (route.access === 'bearer') expect(security).toEqual([{ bearerAuth: [] }]);
      // A public route may take a token, never require one.
      else
        expect(security === undefined || security.some((option) => Object.keys(option).length === 0)).toBe(
          true,
        );
    }
  });

  it("documents API Gateway's own 401 and 403 on every bearer route, and 500 and 503 everywhere", () => {
    for (const route of routes) {
      const statuses = Object.keys(operationOf(route).responses as Json);
      expect(statuses).toEqual(expect.arrayContaining(['500', '503']));
      if (route.access !== 'bearer') continue;
      expect(responseOf(route, 401).content).toHaveProperty(['application/json', 'example'], {
        message: 'Unauthorized',
      });
      expect(responseOf(route, 403).content).toHaveProperty(['application/json', 'example'], {
        message: 'Forbidden',
      });
    }
  });

  it('documents 400, 413 and 415 on every route that takes a body', () => {
    for (const route of routes.filter((candidate) => operationOf(candidate).requestBody)) {
      expect(Object.keys(operationOf(route).responses as Json)).toEqual(
        expect.arrayContaining(['400', '413', '415']),
      );
    }
  });

  it('has examples that match their own schemas', () => {
    const { validateAt } = createContract(document);
    const checked: string[] = [];
    const visit = (node: unknown, pointer: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const object = node as Json;
      if (object.schema && 'example' in object) {
        checked.push(pointer);
        expect([pointer, validateAt(`${pointer}/schema`, object.example)]).toEqual([pointer, []]);
      }
      if (object.schema && typeof object.examples === 'object' && !Array.isArray(object.examples)) {
        for (const [name, example] of Object.entries(object.examples as Record<string, Json>)) {
          checked.push(`${pointer}/examples/${name}`);
          expect([pointer, name, validateAt(`${pointer}/schema`, example.value)]).toEqual([
            pointer,
            name,
            [],
          ]);
        }
      }
      for (const [key, child] of Object.entries(object)) {
        visit(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
      }
    };

    visit(document, '#');

    expect(checked.length).toBeGreaterThan(20);
  });

  it('has request examples that the API itself accepts', () => {
    const schemas = Object.fromEntries(
      routes.flatMap((route) => ('body' in route ? [[route.body.name, route.body.schema]] : [])),
    );

    for (const route of routes) {
      const content = (operationOf(route).requestBody as Json | undefined)?.content as
        | Record<string, Json>
        | undefined;
      const body = content?.['application/json'];
      if (!body) continue;
      const name = String((body.schema as Json).$ref)
        .split('/')
        .pop();
      // Every request schema is a route row's own; the four of the first routes are also named here.
      const schema = 'body' in route ? route.body.schema : undefined;
      expect(name).toBe('body' in route ? route.body.name : undefined);
      if (name && name in schemas) expect(schema).toBe(schemas[name as keyof typeof schemas]);
      expect(() => parseStrict(schema ?? loginSchema, body.example)).not.toThrow();
    }
  });
});

describe('GET /openapi.json', () => {
  it('serves the committed document as JSON', async () => {
    const response = await handlers.openApiDocument({} as never);

    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(response.body))).toEqual(document);
  });
});
