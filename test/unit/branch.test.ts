import {
  branchSlug,
  branchTagValue,
  isProductionBranch,
  MAX_SLUG_LENGTH,
  resolveBranch,
  stackName,
} from '../../lib/branch';

const SLUG = /^[A-Za-z][A-Za-z0-9-]*$/;
const HASHED = /-[0-9a-f]{8}$/;

const expectValidSlug = (slug: string): void => {
  expect(slug).toMatch(SLUG);
  expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
};

describe('branchSlug', () => {
  it('keeps a name that is already a short lower-case slug', () => {
    expect(branchSlug('main')).toBe('main');
    expect(branchSlug('feature-login-2')).toBe('feature-login-2');
  });

  it.each([
    ['feature/Foo_bar-1', /^feature-foo-bar-1-[0-9a-f]{8}$/],
    ['Feature/ADD-Users', /^feature-add-users-[0-9a-f]{8}$/],
    ['fix_email.lookup', /^fix-email-lookup-[0-9a-f]{8}$/],
    ['café/naïve-ünïcode', /^caf-na-ve-n-code-[0-9a-f]{8}$/],
    ['123-hotfix', /^b-123-hotfix-[0-9a-f]{8}$/],
    ['--weird--', /^weird-[0-9a-f]{8}$/],
  ])('turns %s into a valid slug with a hash', (branch, expected) => {
    const slug = branchSlug(branch);
    expect(slug).toMatch(expected);
    expectValidSlug(slug);
  });

  it('cuts a 200-character name to the cap and marks it with a hash', () => {
    const slug = branchSlug('a'.repeat(200));
    expectValidSlug(slug);
    expect(slug).toMatch(HASHED);
    expect(slug.length).toBe(MAX_SLUG_LENGTH);
  });

  it('gives two long names that differ only at the end different slugs', () => {
    const prefix = 'feature/a-very-long-branch-name-that-goes-on-and-on-';
    const one = branchSlug(`${prefix}one`);
    const two = branchSlug(`${prefix}two`);
    expectValidSlug(one);
    expectValidSlug(two);
    expect(one).not.toBe(two);
  });

  it('tells feature/a and feature-a apart', () => {
    expect(branchSlug('feature/a')).not.toBe(branchSlug('feature-a'));
  });

  it('tells names that differ only in case apart', () => {
    expect(branchSlug('Main')).not.toBe(branchSlug('main'));
  });

  it('does not let a name that looks hashed take another branch its slug', () => {
    const changed = branchSlug('feature/Foo_bar-1');
    expect(branchSlug(changed)).not.toBe(changed);
  });

  it('gives the empty name the documented fallback', () => {
    const slug = branchSlug('');
    expect(slug).toMatch(/^branch-[0-9a-f]{8}$/);
    expect(branchSlug('///')).toMatch(/^branch-[0-9a-f]{8}$/);
    expect(branchSlug('///')).not.toBe(slug);
  });

  it('is deterministic', () => {
    expect(branchSlug('feature/Foo_bar-1')).toBe(branchSlug('feature/Foo_bar-1'));
  });

  it('always yields a valid slug, whatever the name', () => {
    const names = [
      '',
      ' ',
      '/',
      '-',
      '0',
      'a',
      'ß',
      '日本語',
      'a'.repeat(41),
      'x'.repeat(40),
      'ab-',
      '\u0000\n\t',
    ];
    for (const name of names) expectValidSlug(branchSlug(name));
  });
});

describe('stackName', () => {
  it('is UserApi- and the slug, within the CloudFormation limit', () => {
    expect(stackName('main')).toBe('UserApi-main');
    expect(stackName('x'.repeat(500)).length).toBeLessThanOrEqual(128);
  });
});

describe('isProductionBranch', () => {
  it('is true for main only', () => {
    expect(isProductionBranch('main')).toBe(true);
    expect(isProductionBranch('Main')).toBe(false);
    expect(isProductionBranch('main-2')).toBe(false);
    expect(isProductionBranch('')).toBe(false);
  });
});

describe('branchTagValue', () => {
  it('keeps characters tag values allow and replaces the rest', () => {
    expect(branchTagValue('feature/Foo_bar-1')).toBe('feature/Foo_bar-1');
    expect(branchTagValue('fix#12*')).toBe('fix-12-');
    expect(branchTagValue('')).toBe('branch');
    expect(branchTagValue('y'.repeat(300))).toHaveLength(256);
  });
});

describe('resolveBranch', () => {
  const git = jest.fn(() => 'from-git');

  beforeEach(() => git.mockClear());

  it('prefers the context value and does not ask git', () => {
    expect(resolveBranch({ context: 'from-context', env: 'from-env', git })).toBe('from-context');
    expect(git).not.toHaveBeenCalled();
  });

  it('falls back to the environment, then git', () => {
    expect(resolveBranch({ context: undefined, env: 'from-env', git })).toBe('from-env');
    expect(resolveBranch({ context: '', env: ' ', git })).toBe('from-git');
  });

  it('falls back to main when nothing names a branch', () => {
    expect(resolveBranch({ git: () => undefined })).toBe('main');
    expect(resolveBranch({})).toBe('main');
  });

  it('accepts a context value the CLI parsed as a number', () => {
    expect(resolveBranch({ context: 42 })).toBe('42');
  });
});
