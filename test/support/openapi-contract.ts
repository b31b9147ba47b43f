// The contract check: one HTTP exchange held to docs/openapi.json. Its status must be documented
// for that operation, its required headers present and well-formed, its body of a documented
// media type and valid against the schema (JSON Schema 2020-12, with ajv). Requests are routed by
// the gateway core's own matcher, so what it calls unknown is what the gateway answers 404 to,
// and that answer must be API Gateway's. Used by the e2e and integration suites on every response.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import committedDocument from '../../docs/openapi.json';
import { createRouteMatcher } from '../../gateway/route-matching';

export interface Exchange {
  readonly method: string;
  /** The request path, with or without its query string. */
  readonly path: string;
  readonly status: number;
  /** A response header by lower-case name. */
  readonly header: (name: string) => string | null | undefined;
  readonly text: string;
}

type Json = Record<string, unknown>;

const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');
const DOCUMENT_ID = 'https://user-api.dev/openapi.json';

export class OpenApiContractError extends Error {}

export const createContract = (document: Json = committedDocument as Json) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ValidateFunction>();

  /** Problems with `value` against the schema at JSON pointer `pointer` (`#/components/…`). */
  const validateAt = (pointer: string, value: unknown): string[] => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message}`);
  };

  const at = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, segment) => (node as Json | undefined)?.[segment], document);

  /** Follows a `$ref` within the document; returns the object and its pointer. */
  const resolve = (node: unknown, pointer: string): { node: Json; pointer: string } => {
    const target = (node as Json | undefined)?.$ref;
    if (typeof target !== 'string') return { node: node as Json, pointer };
    return resolve(at(target), target);
  };

  const paths = document.paths as Record<string, Json>;
  const matchRoute = createRouteMatcher();

  const checkNotFound = (exchange: Exchange, what: string): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      body = undefined;
    }
    const type = (body as { type?: unknown } | undefined)?.type;
    if (exchange.status === 404 && typeof type === 'string' && type.endsWith('/not-found')) return [];
    return [`${what} matches no route, yet the answer is not the router's 404 not-found problem`];
  };

  const checkHeaders = (exchange: Exchange, response: Json, base: string): string[] => {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries((response.headers as Json | undefined) ?? {})) {
      const { node: header, pointer } = resolve(declared, `${base}/headers/${escapePointer(name)}`);
      const value = exchange.header(name.toLowerCase());
      if (value === null || value === undefined) {
        if (header.required === true) problems.push(`the required header ${name} is missing`);
        continue;
      }
      const type = (header.schema as Json | undefined)?.type;
      const typed = type === 'integer' || type === 'number' ? Number(value) : value;
      problems.push(...validateAt(`${pointer}/schema`, typed).map((problem) => `header ${name}: ${problem}`));
    }
    return problems;
  };

  const checkBody = (exchange: Exchange, response: Json, base: string): string[] => {
    const content = response.content as Json | undefined;
    if (!content) return exchange.text === '' ? [] : ['a body was sent where the document declares none'];
    if (exchange.text === '') return ['no body was sent where the document declares one'];
    const mediaType = (exchange.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(mediaType in content)) {
      return [`Content-Type "${mediaType}" is not one of ${Object.keys(content).join(', ')}`];
    }
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      return ['the body is not JSON'];
    }
    return validateAt(`${base}/content/${escapePointer(mediaType)}/schema`, body);
  };

  /** Everything about `exchange` that the document does not allow; empty when it conforms. */
  const check = (exchange: Exchange): string[] => {
    const [path = ''] = exchange.path.split('?');
    const method = exchange.method.toLowerCase();
    const matched = matchRoute(exchange.method, path);
    if (!matched) return checkNotFound(exchange, `${exchange.method} ${path}`);
    const template = matched.route.path;
    const operation = paths[template]?.[method] as Json | undefined;
    if (!operation) return [`${exchange.method} ${template} is a route of the table, not of the document`];
    const responses = operation.responses as Json;
    const status = String(exchange.status);
    if (!(status in responses))
      return [`status ${status} is not documented for ${exchange.method} ${template}`];
    const { node: response, pointer } = resolve(
      responses[status],
      `#/paths/${escapePointer(template)}/${method}/responses/${status}`,
    );
    return [...checkHeaders(exchange, response, pointer), ...checkBody(exchange, response, pointer)];
  };

  /** Throws an error that names the exchange and every problem, unless it conforms. */
  const assert = (exchange: Exchange): void => {
    const problems = check(exchange);
    if (problems.length === 0) return;
    throw new OpenApiContractError(
      `${exchange.method} ${exchange.path} → ${exchange.status} breaks docs/openapi.json:\n- ${problems.join('\n- ')}\nbody: ${exchange.text.slice(0, 500)}`,
    );
  };

  return { check, assert, validateAt };
};

export type Contract = ReturnType<typeof createContract>;
