// The most common passwords, refused as new passwords (see common-passwords.data.ts for the
// source). Compared case-insensitively: `Password1` is as guessable as `password1`.
import { COMMON_PASSWORDS_BROTLI_BASE64 } from './common-passwords.data';

let common: ReadonlySet<string> | undefined;

/** Unpacked on first use (under a millisecond), so only the routes that set a password pay for it. */
export const commonPasswords = (): ReadonlySet<string> => {
  common ??= new Set(
    // node:zlib taken at first use, not imported: nothing else in the router needs it, and an
    // import would load it on every cold start (~4 ms of CPU, docs/PERFORMANCE.md).
    process
      .getBuiltinModule('node:zlib')
      .brotliDecompressSync(Buffer.from(COMMON_PASSWORDS_BROTLI_BASE64, 'base64'))
      .toString('utf8')
      .split('\n'),
  );
  return common;
};

export const isCommonPassword = (password: string): boolean => commonPasswords().has(password.toLowerCase());
