import { createCursorSealer } from '../../lambda/shared/cursor';

const secret = new TextEncoder().encode('unit-test-secret-0123456789abcdefghij');

/** Changes the character at `index` to another base64url character, `step` places on. */
const flipCharacter = (text: string, index: number, step = 32): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const next = alphabet[(alphabet.indexOf(text[index] ?? 'A') + step) % alphabet.length];
  return `${text.slice(0, index)}${next}${text.slice(index + 1)}`;
};

describe('cursor sealer', () => {
  const sealer = createCursorSealer(secret);

  it('opens what it sealed', () => {
    const position = JSON.stringify({ id: 'a', email: 'b@example.com' });

    expect(sealer.open(sealer.seal(position))).toBe(position);
  });

  it('hides the position from the client: no key material in clear text', () => {
    expect(sealer.seal('{"email":"someone@example.com"}')).not.toContain('@');
  });

  it('hides the position even from a client who decodes the cursor', () => {
    const cursor = sealer.seal('{"id":"0f8a2c1e","email":"someone@example.com"}');
    const decoded = cursor
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join('');

    expect(decoded).not.toMatch(/someone|example|0f8a2c1e/);
  });

  it.each([
    ['an edited payload', (cursor: string) => `x${cursor}`],
    ['an edited tag', (cursor: string) => flipCharacter(cursor, cursor.length - 10)],
    // The last character of a 16-byte tag carries 4 unused bits: a lenient decoder would ignore them.
    ['a non-canonical tag', (cursor: string) => flipCharacter(cursor, cursor.length - 1, 1)],
    ['a missing signature', (cursor: string) => cursor.split('.')[0] ?? ''],
    ['an extra segment', (cursor: string) => `${cursor}.more`],
    ['an empty string', () => ''],
  ])('refuses %s', (_, tamper) => {
    expect(sealer.open(tamper(sealer.seal('{"id":"a","email":"b"}')))).toBeUndefined();
  });

  it('refuses a cursor sealed with another secret', () => {
    const other = createCursorSealer(new TextEncoder().encode('another-secret-0123456789abcdefghijkl'));

    expect(sealer.open(other.seal('{"id":"a"}'))).toBeUndefined();
  });
});
