// `npm test`: typecheck, lint, then every Jest project. Its last line is the summary CI reads:
// `tests: N passed, N failed`. Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

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

step('typecheck', 'npx', ['tsc', '--noEmit']);
step('lint', 'npx', ['biome', 'check', '.']);

const report = 'reports/jest.json';
mkdirSync('reports', { recursive: true });
rmSync(report, { force: true });
console.log('\n> jest');
const jestCode = run('npx', ['jest', '--json', `--outputFile=${report}`, ...process.argv.slice(2)]);

try {
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTestSuites: number;
    numFailedTestSuites: number;
  };
  // A suite that fails to load has no failed test of its own; count it so it cannot pass silently.
  const failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
  finish(results.numPassedTests, failed, jestCode === 0 && failed === 0 ? 0 : 1);
} catch {
  finish(0, 1, jestCode === 0 ? 1 : jestCode);
}
