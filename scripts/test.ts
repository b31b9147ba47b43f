// `npm test`: typecheck, lint, then every Jest project, then the browser suites (jest.browser.config.js)
// when a Chromium is found, and beside them the image suite (jest.image.config.js) when podman is.
// Its last line is the summary CI reads: `tests: N passed, N failed`. Extra arguments go to Jest
// (e.g. `npm test -- --selectProjects unit`; the browser and image suites then stay out).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';

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

/** A Jest run's counts from its JSON report (a suite that fails to load counts as a failure). */
const countsOf = (report: string, code: number): Counts => {
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

const jest = (name: string, report: string, args: string[]): Counts => {
  rmSync(report, { force: true });
  console.log(`\n> ${name}`);
  return countsOf(report, run('npx', ['jest', '--json', `--outputFile=${report}`, ...args]));
};

/** A Jest run beside whatever runs next; its output goes to `log` and is printed when it ends. */
const jestInBackground = (
  name: string,
  report: string,
  log: string,
  args: string[],
): (() => Promise<Counts>) => {
  rmSync(report, { force: true });
  console.log(`\n> ${name}: started in the background (output in ${log})`);
  const out = openSync(log, 'w');
  const child = spawn('npx', ['jest', '--json', `--outputFile=${report}`, ...args], {
    stdio: ['ignore', out, out],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  closeSync(out);
  const exit = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
  return async () => {
    const code = await exit;
    console.log(`\n> ${name}\n${readFileSync(log, 'utf8')}`);
    return countsOf(report, code);
  };
};

const skipped = (lines: string[]): void => {
  console.log(`\n${'!'.repeat(100)}`);
  for (const line of lines) console.log(`!!! ${line}`);
  console.log('!'.repeat(100));
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

// The image suite shares nothing with the others; it waits mostly on npm ci and podman, so it
// runs beside the browser suites (one Chromium, one worker), never beside the suites above.
// The suite builds its base with mmdebstrap: a machine with podman but without it (a GitHub runner,
// where image.yml builds and runs the image instead) skips the suite, loudly.
const has = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const missingForImage = ['podman', 'mmdebstrap'].filter((command) => !has(command));
let imageSuite: (() => Promise<Counts>) | undefined;
if (extra.length > 0) {
  console.log('\n> image suite: not run (arguments were given to Jest)');
} else if (missingForImage.length > 0) {
  skipped([
    `SKIPPED: the image suite (test/image) builds and runs the Dockerfile with podman on a base made by mmdebstrap, and ${missingForImage.join(' and ')} is missing.`,
    'Install podman and mmdebstrap (the packages .ci/run installs when either is missing).',
  ]);
} else {
  imageSuite = jestInBackground('image suite', 'reports/jest-image.json', 'reports/jest-image.log', [
    '--config',
    'jest.image.config.js',
  ]);
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (extra.length > 0) {
  console.log('\n> browser suites: not run (arguments were given to Jest)');
} else if (!existsSync(chromium)) {
  skipped([
    `SKIPPED: the browser suites (test/browser) need Chromium, and there is none at ${chromium}.`,
    'Install it (`apt-get install chromium`, as .ci/run does) or set CHROMIUM_PATH.',
  ]);
} else {
  results.push(jest('browser suites', 'reports/jest-browser.json', ['--config', 'jest.browser.config.js']));
}
const total = async (): Promise<Counts> => {
  if (imageSuite) results.push(await imageSuite());
  return results.reduce((sum, counts) => ({
    passed: sum.passed + counts.passed,
    failed: sum.failed + counts.failed,
    code: sum.code || counts.code,
  }));
};
total().then(({ passed, failed, code }) => finish(passed, failed, code));
