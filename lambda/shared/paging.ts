// Cursor ↔ store position, for every paged listing: positions are sealed into opaque cursors, so
// clients never see (or forge) a storage key, and a cursor that is not ours is a 400 naming it.
import type { CursorSealer } from './cursor';
import { ValidationError } from './errors';

/** A position the store cannot read (it decodes, but is not one of its keys). */
export class InvalidPositionError extends Error {}

const invalidCursor = (): ValidationError =>
  new ValidationError('The cursor is not valid; start again without one.', [
    { path: 'cursor', message: 'is not valid' },
  ]);

/** Runs `read` from the cursor's position and seals the next one. */
export const readPage = async <T>(
  cursors: CursorSealer,
  cursor: string | undefined,
  read: (position: string | undefined) => Promise<{ readonly nextPosition: string | null } & T>,
): Promise<{ readonly page: T; readonly nextCursor: string | null }> => {
  const position = cursor === undefined ? undefined : cursors.open(cursor);
  if (cursor !== undefined && position === undefined) throw invalidCursor();
  try {
    const page = await read(position);
    return { page, nextCursor: page.nextPosition === null ? null : cursors.seal(page.nextPosition) };
  } catch (error) {
    if (error instanceof InvalidPositionError) throw invalidCursor();
    throw error;
  }
};
