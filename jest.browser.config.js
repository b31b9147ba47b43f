// The browser suites (test/browser): the API reference page and the account pages in headless
// Chromium (Debian's `chromium`, driven by playwright-core). `npm test` runs them after the other
// projects whenever a Chromium is found (CHROMIUM_PATH or /usr/bin/chromium; .ci/run installs it),
// and says loudly when it skips them; `npm run test:browser` runs them alone. Same transform,
// DynamoDB Local and OpenAPI contract as e2e.
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  // One Chromium at a time: each file launches its own, and two cores are shared.
  maxWorkers: 1,
  projects: [{ ...e2e, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] }],
};
