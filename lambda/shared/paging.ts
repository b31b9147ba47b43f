// Cursor ↔ store position, for every paged listing: positions are sealed into opaque cursors, so
// clients never see (or forge) a storage key, and a cursor that is not ours is a 400 naming it.
import type { CursorSealer } from './cursor';
import { ValidationError } from './errors';

/** What a repository is asked for: a page's size, from an opaque position (none: the start). */
export interface StoreQuery {
  readonly limit: number;
  readonly position: string | undefined;
}

/** What a repository's page ends with. */
export interface StorePage {
  /** An opaque position for the next page, or null at the end. */
  readonly nextPosition: string | null;
}

/** What a listing use case is asked for: a page's size, from a client's cursor. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** What a listing use case's page ends with. */
export interface ListPage {
  readonly nextCursor: string | null;
}

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
