// Jest setup (e2e and integration projects): every response the suite receives is held to
// docs/openapi.json — the e2e suite's fetch calls to the local stack, and the integration
// suite's createTestApi().call. A response that breaks the document fails the test that got it.
import { isDocsPath } from '../../local/docs-page';
import { isLocalPagePath } from '../../local/pages';
import { observeResponses } from './api';
import { createContract } from './openapi-contract';

const contract = createContract();

observeResponses((method, path, response) =>
  contract.assert({
    method,
    path,
    status: response.status,
    header: (name) => response.headers[name],
    text: response.text,
  }),
);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  // Only the API is held to the document: not other hosts, not the local-only pages.
  if (!LOCAL_HOSTS.has(url.hostname) || isDocsPath(url.pathname) || isLocalPagePath(url.pathname)) {
    return response;
  }
  contract.assert({
    method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    status: response.status,
    header: (name) => response.headers.get(name),
    text: await response.clone().text(),
  });
  return response;
};
