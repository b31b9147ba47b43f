// The embedded store's kept KEY_ENCRYPTION_KEY: made once (32 bytes, owner-only), the same on
// every later start, and a damaged file refused by name rather than replaced.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE, keptKeyEncryptionKey } from '../../server/key-encryption-key';

describe('kept key-encryption key', () => {
  it('is made on first use, readable by its owner only, and the same afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-'));
    const first = keptKeyEncryptionKey(dir);
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(keptKeyEncryptionKey(dir).equals(first)).toBe(true);
  });

  it('refuses a damaged key file instead of making a new key that would not open the store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-'));
    writeFileSync(join(dir, KEY_FILE), 'c2hvcnQ=\n');
    expect(() => keptKeyEncryptionKey(dir)).toThrow(
      /^DATA_DIR holds a key-encryption-key that is not 32 bytes/,
    );
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe('c2hvcnQ=\n');
  });
});
