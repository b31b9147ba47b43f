// The image suite (test/image): the Dockerfile built and run with podman. `npm test` runs it beside
// the browser suites whenever podman is found (.ci/run installs it) and says loudly when it skips
// it; `npm run test:image` runs it alone. Same transform as the other projects.
const { projects } = require('./jest.config');

const unit = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = {
  // The build alone takes a minute or more on two shared cores.
  testTimeout: 180_000,
  maxWorkers: 1,
  projects: [{ ...unit, displayName: 'image', testMatch: ['<rootDir>/test/image/**/*.test.ts'] }],
};
