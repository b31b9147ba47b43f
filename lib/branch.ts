// Git branch → the names one deployment per branch needs. Pure: no git, no environment, no CDK.
import { createHash } from 'node:crypto';

export const PRODUCTION_BRANCH = 'main';
export const PROJECT = 'user-api';
const STACK_PREFIX = 'UserApi';

/** Longest slug; keeps `UserApi-<slug>` and the names CloudFormation derives from it short. */
export const MAX_SLUG_LENGTH = 40;
const HASH_LENGTH = 8;
/** Readable part of a slug when the branch name has nothing usable in it (e.g. the empty string). */
const EMPTY_FALLBACK = 'branch';

const VALID_AS_IS = /^[a-z][a-z0-9-]*$/;
// A name that already ends like a hash suffix gets a hash of its own, so a branch can never be
// named to collide with another branch's changed slug.
const LOOKS_HASHED = /-[0-9a-f]{8}$/;

export const isProductionBranch = (branch: string): boolean => branch === PRODUCTION_BRANCH;

const shortHash = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);

/**
 * A slug for CloudFormation names: lower-case letters, digits and hyphens, starting with a letter,
 * at most MAX_SLUG_LENGTH long. A name that is already such a slug stays as it is; any other name is
 * lower-cased, every run of other characters becomes one hyphen, it is cut to fit, and `-` plus
 * 8 hex of the SHA-256 of the full original name is appended. So `feature/a` and `feature-a`,
 * `Main` and `main`, or two long names that differ only at the end, never share a slug.
 * An empty name (or one of only symbols) becomes `branch-<hash>`.
 */
export const branchSlug = (branch: string): string => {
  if (VALID_AS_IS.test(branch) && branch.length <= MAX_SLUG_LENGTH && !LOOKS_HASHED.test(branch)) {
    return branch;
  }
  let readable = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (readable === '') readable = EMPTY_FALLBACK;
  if (!/^[a-z]/.test(readable)) readable = `b-${readable}`;
  const room = MAX_SLUG_LENGTH - HASH_LENGTH - 1;
  readable = readable.slice(0, room).replace(/-+$/, '');
  return `${readable}-${shortHash(branch)}`;
};

export const stackName = (branch: string): string => `${STACK_PREFIX}-${branchSlug(branch)}`;

/**
 * Value for the `branch` tag: tag values allow only letters, digits, spaces and `_.:/=+-@`,
 * up to 256 characters, so anything else becomes `-`. The stack name stays the unique key.
 */
export const branchTagValue = (branch: string): string =>
  (branch.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '-') || EMPTY_FALLBACK).slice(0, 256);

export interface BranchSources {
  /** `-c branch=NAME` */
  readonly context?: unknown;
  /** `$BRANCH` */
  readonly env?: string | undefined;
  /** The checked-out git branch; only asked when the other two are missing. */
  readonly git?: () => string | undefined;
}

/** First non-empty of: context, environment, git; else the production branch. */
export const resolveBranch = ({ context, env, git }: BranchSources): string => {
  const present = (value: unknown): string | undefined => {
    const text = value === undefined || value === null ? '' : String(value).trim();
    return text === '' ? undefined : text;
  };
  return present(context) ?? present(env) ?? present(git?.()) ?? PRODUCTION_BRANCH;
};
