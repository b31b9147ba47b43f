// `npm run create-admin` as an operator runs it: a child process, the password on standard input,
// against a table of its own in DynamoDB Local (the same table code the stack runs on AWS).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import bcrypt from 'bcryptjs';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { uniqueEmail } from '../support/stack';
import { createTestTable, deleteTestTable, testDocumentClient } from '../support/tables';

const ROOT = path.join(__dirname, '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const createAdmin = (args: string[], stdin: string, env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', ...args], {
      cwd: ROOT,
      // The harness's DynamoDB Local endpoint and local credentials reach the child through env.
      env: { ...process.env, LOG_LEVEL: 'warn', TABLE_NAME: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });

describe('npm run create-admin', () => {
  let table: string;
  let repository: DynamoDbUserRepository;
  beforeAll(async () => {
    table = await createTestTable('create-admin');
    repository = new DynamoDbUserRepository({ tableName: table, client: testDocumentClient() });
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('creates an admin with the password read from standard input', async () => {
    const email = uniqueEmail('first-admin');
    const password = 'a long admin passphrase';

    const run = await createAdmin(['--table', table, '--email', email], `${password}\n`);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`created admin: ${email} in table ${table}.\n`);
    const stored = await repository.getByEmail(email);
    expect(stored?.role).toBe('admin');
    expect(await bcrypt.compare(password, stored?.passwordHash ?? '')).toBe(true);
  });

  it('changes nothing when run again with the same email and password', async () => {
    const email = uniqueEmail('again');
    const password = 'same password twice';
    await createAdmin(['--table', table, '--email', email], password);
    const before = await repository.getByEmail(email);

    const run = await createAdmin(['--table', table, '--email', email], `${password}\r\n`);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('already an admin with this password; nothing changed');
    expect(await repository.getByEmail(email)).toEqual(before);
  });

  it('normalises the email as the API does', async () => {
    const email = uniqueEmail('mixed');
    const run = await createAdmin(
      ['--table', table, '--email', `  ${email.toUpperCase()} `],
      'password for mixed',
    );

    expect(run.code).toBe(0);
    expect((await repository.getByEmail(email))?.role).toBe('admin');
  });

  it('promotes an existing user, and then resets the password when given another', async () => {
    const email = uniqueEmail('promoted');
    await createAdmin(['--table', table, '--email', email], 'first password');
    const created = await repository.getByEmail(email);
    if (!created) throw new Error('not created');
    await repository.replace(created, { ...created, role: 'user', version: created.version + 1 });

    const promoted = await createAdmin(['--table', table, '--email', email], 'first password');
    const reset = await createAdmin(['--table', table, '--email', email], 'second password');

    expect(promoted.stdout).toContain('promoted the existing user to admin');
    expect(reset.stdout).toContain('set a new password for admin');
    const stored = await repository.getByEmail(email);
    expect(stored?.role).toBe('admin');
    expect(stored?.id).toBe(created.id);
    expect(await bcrypt.compare('second password', stored?.passwordHash ?? '')).toBe(true);
  });

  it('refuses a password the API would refuse, naming the rule and never echoing it', async () => {
    const email = uniqueEmail('weak');

    const run = await createAdmin(['--table', table, '--email', email], 'Qz7!\n');

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^create-admin: the admin was not created: password .+\n$/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('Qz7!');
    expect(await repository.getByEmail(email)).toBeUndefined();
  });

  it('refuses an empty standard input', async () => {
    const run = await createAdmin(['--table', table, '--email', uniqueEmail('empty')], '');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no password given');
  });

  it.each([['--password', 'hunter2-hunter2'], ['--password=hunter2-hunter2'], ['-p', 'hunter2-hunter2']])(
    'refuses %s on the command line before reading anything',
    async (...flag) => {
      const email = uniqueEmail('argv');

      const run = await createAdmin(['--table', table, '--email', email, ...flag], 'hunter2-hunter2\n');

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('refusing a password on the command line');
      expect(run.stderr).toContain('standard input');
      expect(await repository.getByEmail(email)).toBeUndefined();
    },
  );

  it('does not quote a stray argument, which may be a password', async () => {
    const run = await createAdmin(
      ['--table', table, '--email', uniqueEmail('stray'), 'hunter2-hunter2'],
      'x',
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unexpected argument');
    expect(run.stderr).not.toContain('hunter2');
  });

  it("with --store, finds the table by the server's variables (STORE=dynamodb)", async () => {
    const email = uniqueEmail('server-store');
    const password = 'the server store admin';
    const env = {
      STORE: 'dynamodb',
      TABLE_NAME: table,
      DYNAMODB_ENDPOINT: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    };

    const run = await createAdmin(['--store', '--email', email], `${password}\n`, env);
    const again = await createAdmin(['--store', '--email', email], `${password}\n`, env);

    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`created admin: ${email} in table ${table}.\n`);
    expect(again.stdout).toContain('already an admin with this password; nothing changed');
    const stored = await repository.getByEmail(email);
    expect(stored?.role).toBe('admin');
    expect(await bcrypt.compare(password, stored?.passwordHash ?? '')).toBe(true);
  });

  it('refuses --store with --table or --branch', async () => {
    const run = await createAdmin(['--store', '--table', table, '--email', uniqueEmail('both')], 'password');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give one of --branch, --table or --store.');
  });

  it('asks for the branch or the table, and the email', async () => {
    const noTarget = await createAdmin(['--email', uniqueEmail('usage')], 'password');
    const noEmail = await createAdmin(['--table', table], 'password');

    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain(
      "name the branch (--branch), the table (--table) or the server's store (--store)",
    );
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain('--email is required');
  });
});
