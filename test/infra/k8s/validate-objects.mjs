// Validates Kubernetes objects against the API's OpenAPI schemas, offline: kubernetes-models carries
// them per kind, compiled for ajv. The package is ESM only, which Jest's CommonJS cannot load, so the
// infra tests run this with node: a JSON array of objects on stdin, one verdict per object on stdout.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const verdicts = [];
for (const object of objects) {
  const { apiVersion, kind } = object;
  const verdict = { apiVersion, kind, name: object.metadata?.name, errors: null };
  try {
    // Core kinds live under `v1/`, the others under `group/version/`: the apiVersion as written.
    const model = await import(`kubernetes-models/${apiVersion}/${kind}`);
    new model[kind](object).validate();
  } catch (error) {
    verdict.errors = error instanceof Error ? error.message : String(error);
  }
  verdicts.push(verdict);
}
process.stdout.write(JSON.stringify(verdicts));
