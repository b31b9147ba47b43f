// Jest projects: unit (pure logic), integration (handlers on DynamoDB Local), infra (the CDK
// template), e2e (real HTTP through the local gateway), e2e-serve-embedded and e2e-serve-postgres
// (the API's e2e suites against `npm run serve`), sql (PGlite and PostgreSQL), security.
// `npm test` runs them all, then the browser suites (jest.browser.config.js).
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const base = {
  testEnvironment: 'node',
  // jose and swagger-parser's ref parser ship ESM only, so they are transformed like our own sources;
  // PGlite's CommonJS build loads Node's modules with import(), which Jest's VM only runs
  // as the require() this transform makes of it.
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.cjs$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(jose|@apidevtools/json-schema-ref-parser|@electric-sql/pglite)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

const withDynamoDbLocal = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

// The store suites: DynamoDB Local and a real PostgreSQL 15 (PGlite runs in the test itself).
const withStores = {
  globalSetup: '<rootDir>/test/support/stores-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/stores-global-teardown.ts',
};

// Every response these suites receive is held to docs/openapi.json (test/support/openapi-contract.ts).
const withOpenApiContract = { setupFilesAfterEnv: ['<rootDir>/test/support/openapi-contract-setup.ts'] };

/** The e2e suites that speak only HTTP to the stack, and so run on every target. */
const SERVED_SUITES = ['api', 'email', 'mfa', 'sessions'];

/** @type {import('jest').Config} */
module.exports = {
  // bcrypt at cost 10 (~55 ms a hash) on two shared cores: give setup-heavy tests room.
  // (A global option: Jest ignores testTimeout inside a project.)
  testTimeout: 30_000,
  // Jest's default on two cores is one worker. Most suites wait on DynamoDB Local or HTTP, not
  // the CPU, so two workers take the full run from ~3m40s to ~2m40s here.
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      ...withDynamoDbLocal,
      ...withOpenApiContract,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
    },
    {
      ...base,
      // `npm run serve` runs here on PostgreSQL too.
      ...withStores,
      ...withOpenApiContract,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
    // The API's end-to-end suites again, against `npm run serve` on each SQL store (test/support/stack.ts
    // reads E2E_SERVE): the same requests and answers as on the local stack.
    ...['embedded', 'postgres'].map((store) => ({
      ...base,
      ...withStores,
      ...withOpenApiContract,
      displayName: `e2e-serve-${store}`,
      globals: { E2E_SERVE: store },
      testMatch: SERVED_SUITES.map((suite) => `<rootDir>/test/e2e/${suite}.test.ts`),
    })),
    // The SQL store on PGlite and a real PostgreSQL 15 (migrations, the key set), and the one
    // contract every store's repositories are held to: DynamoDB Local, PGlite, PostgreSQL.
    { ...base, ...withStores, displayName: 'sql', testMatch: ['<rootDir>/test/sql/**/*.test.ts'] },
    // OWASP API Top 10, fuzzing and fault injection, black-box over HTTP (docs/SECURITY.md).
    {
      ...base,
      ...withDynamoDbLocal,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
    },
  ],
};
