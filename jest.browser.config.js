// `npm run test:browser`: the API reference page in headless Chromium (Debian's `chromium`,
// driven by playwright-core). Not part of `npm test`: it needs a browser installed
// (`apt-get install chromium`, or CHROMIUM_PATH). Same transform and DynamoDB Local as e2e.
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [{ ...e2e, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] }],
};
