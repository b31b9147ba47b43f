// What no response may show: credentials and private key material, and on errors no internals
// (a stack frame, a source path, an exception name); and the secrets a run has handed out.
import { isCommonPassword } from '../../lambda/users/common-passwords';
import { newSecrets, type Secrets } from './transport';

/** What no answer may ever carry: credentials and private key material. */
const SECRETS: readonly [string, RegExp][] = [
  ['a bcrypt hash', /\$2[abxy]\$\d\d\$/],
  // As a key with a value: an error may name such a field the client sent, never show one.
  ['a credential field', /"(password_hash|passwordHash|token_version|tokenVersion)"\s*:/],
  ['a private key member', /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
];
/**
 * What no error may carry. Success bodies may echo a user's name, which could say anything; and
 * these are specific enough that input echoed in an error's detail (an id) does not look like one.
 */
const INTERNALS: readonly [string, RegExp][] = [
  // A frame on a line of its own, raw or JSON-escaped, or `at fn (file`.
  ['a stack frame', /(\n|\\n)\s+at |\bat [\w.<>]+ \(|\(node:internal|node_modules\//],
  ['a source path', /\/(work|var\/task|opt|home|tmp)\/\S+\.[cm]?[tj]s\b|\.[cm]?[tj]s:\d+:\d+/],
  ['an exception name', /\b[A-Z]\w*(Exception|Error)\b/],
];

/** The leak an answer shows, if any: checked on every answer the client receives. */
export const leakIn = (status: number, text: string, secrets: Secrets = newSecrets()): string | undefined => {
  const patterns = status >= 400 ? [...SECRETS, ...INTERNALS] : SECRETS;
  for (const [what, pattern] of patterns) if (pattern.test(text)) return what;
  for (const password of secrets.passwords) if (text.includes(password)) return 'a password';
  for (const secret of secrets.others) if (text.includes(secret)) return 'a secret';
  return undefined;
};

/**
 * Remembers every string sent in a field named like a password (`password`, `current_password`,
 * `newPassword`…), at any depth. Not those under 8 characters or among the common passwords: the
 * API refuses them, and as words ("password", "short") they may be part of an error message.
 */
export const rememberPasswords = (value: unknown, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (/password/i.test(key) && typeof item === 'string') {
      if (item.length >= 8 && !isCommonPassword(item)) into.add(item);
    } else rememberPasswords(item, into);
  }
};

/** A refresh token the client sends back is spent or revoked from then on: none may come back. */
export const rememberRefreshTokens = (value: unknown, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  const token = (value as Record<string, unknown>).refresh_token;
  if (typeof token === 'string' && token.length >= 16) into.add(token);
};

/** A TOTP secret is shown once, by the enrolment that made it: no later response may show it. */
export const rememberTotpSecret = (path: string, status: number, body: unknown, into: Set<string>): void => {
  if (status !== 201 || !/\/mfa\/totp$/.test(path.split('?')[0] ?? '')) return;
  const secret = (body as Record<string, unknown> | undefined)?.secret;
  if (typeof secret === 'string') into.add(secret);
};
