// `npm test`: typecheck, lint, then every Jest project, then the browser suites (jest.browser.config.js)
// when a Chromium is found. Its last line is the summary CI reads: `tests: N passed, N failed`.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`; the browser suites then stay out).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (command: string, args: string[]): number =>
  spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
  }).status ?? 1;

const finish = (passed: number, failed: number, code: number): never => {
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(code);
};

const step = (name: string, command: string, args: string[]): void => {
  console.log(`\n> ${name}`);
  if (run(command, args) !== 0) {
    console.error(`${name} failed`);
    finish(0, 1, 1);
  }
};

interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly code: number;
}

/** One Jest run, counted from its JSON report (a suite that fails to load counts as a failure). */
const jest = (name: string, report: string, args: string[]): Counts => {
  rmSync(report, { force: true });
  console.log(`\n> ${name}`);
  const code = run('npx', ['jest', '--json', `--outputFile=${report}`, ...args]);
  try {
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numFailedTestSuites: number;
    };
    const failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
    return { passed: results.numPassedTests, failed, code: code === 0 && failed === 0 ? 0 : code || 1 };
  } catch {
    return { passed: 0, failed: 1, code: code || 1 };
  }
};

step('typecheck', 'npx', ['tsc', '--noEmit']);
step('typecheck pages', 'npx', ['tsc', '--noEmit', '-p', 'pages']);
step('lint', 'npx', ['biome', 'check', '.']);

mkdirSync('reports', { recursive: true });
const extra = process.argv.slice(2);
// The flood, burst and outage suites measure how the service holds when it is pushed to its limits on
// DynamoDB Local: beside the other suites, a saturated machine (not the service) decides what they
// see. They run after the rest, alone.
const ALONE = 'test/security/(login-bursts|faults|abuse-resistance)\\.test\\.ts$';
const results =
  extra.length > 0
    ? [jest('jest', 'reports/jest.json', extra)]
    : [
        jest('jest', 'reports/jest.json', ['--testPathIgnorePatterns', ALONE]),
        jest('bursts and outages, alone', 'reports/jest-alone.json', [
          '--selectProjects',
          'security',
          '--runInBand',
          '--testPathPatterns',
          ALONE,
        ]),
      ];

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (extra.length > 0) {
  console.log('\n> browser suites: not run (arguments were given to Jest)');
} else if (!existsSync(chromium)) {
  console.log(`\n${'!'.repeat(100)}`);
  console.log(
    `!!! SKIPPED: the browser suites (test/browser) need Chromium, and there is none at ${chromium}.`,
  );
  console.log('!!! Install it (`apt-get install chromium`, as .ci/run does) or set CHROMIUM_PATH.');
  console.log('!'.repeat(100));
} else {
  results.push(jest('browser suites', 'reports/jest-browser.json', ['--config', 'jest.browser.config.js']));
}

const total = results.reduce((sum, counts) => ({
  passed: sum.passed + counts.passed,
  failed: sum.failed + counts.failed,
  code: sum.code || counts.code,
}));
finish(total.passed, total.failed, total.code);
