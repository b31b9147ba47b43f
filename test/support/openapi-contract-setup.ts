// Jest setup (e2e and integration projects): every response the suite receives is held to
// docs/openapi.json — whatever the kit's client (client.ts) receives, over the gateway core or
// over HTTP, and any other fetch call to the local stack. A response that breaks the document
// fails the test that got it.

import { observeResponses } from './client';
import { createContract } from './openapi-contract';
import { isLocalOnlyPath } from './security-headers';

const contract = createContract();

observeResponses((method, path, response) => {
  if (isLocalOnlyPath(path.split('?')[0] ?? '')) return;
  contract.assert({
    method,
    path,
    status: response.status,
    header: (name) => response.headers.get(name),
    text: response.text,
  });
});

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  // Only the API is held to the document: not other hosts, not the local-only pages.
  if (!LOCAL_HOSTS.has(url.hostname) || isLocalOnlyPath(url.pathname)) return response;
  contract.assert({
    method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    status: response.status,
    header: (name) => response.headers.get(name),
    text: await response.clone().text(),
  });
  return response;
};
