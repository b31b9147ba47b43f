// Where the local stack keeps its signing key set: a file under the local data folder (mode 0600,
// replaced atomically, so a running `npm start` never reads half a file), or memory for
// `--in-memory`, tests and the bench. `npm run rotate-signing-key -- --local` rotates the file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KeySet, parseKeySet } from '../lambda/tokens/key-set';
import type { KeySetStore } from '../lambda/tokens/rotation';

export const KEY_SET_FILE = 'signing-keys.json';

export const fileKeySetStore = (dataDir: string): KeySetStore & { readonly file: string } => {
  const file = join(dataDir, KEY_SET_FILE);
  return {
    file,
    async read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return parseKeySet(text);
    },
    async write(set) {
      mkdirSync(dataDir, { recursive: true });
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(set, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      renameSync(temporary, file);
    },
  };
};

/** A key set in memory; `write` replaces it, as a rotation does. */
export const memoryKeySetStore = (initial?: KeySet): KeySetStore => {
  let held = initial;
  return {
    async read() {
      return held;
    },
    async write(set) {
      held = set;
    },
  };
};
