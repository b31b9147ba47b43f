// The query parameters every paged listing takes: a page size and an opaque cursor.
import * as v from 'valibot';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

export const limitSchema = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.transform(Number),
    v.minValue(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
  ),
  String(DEFAULT_PAGE_SIZE),
);
export const cursorSchema = v.optional(
  v.pipe(v.string(), v.nonEmpty('must not be empty'), v.maxLength(2048, 'is not a valid cursor')),
);
