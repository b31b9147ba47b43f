// Input schemas of the sessions routes (valibot), strict like every body of the API. A refresh
// token's form is not checked here: a malformed one is a 401 like any other bad token.
import * as v from 'valibot';

const MAX_REFRESH_TOKEN_LENGTH = 256;

export const refreshSchema = v.object({
  refresh_token: v.pipe(
    v.string('must be a string'),
    v.nonEmpty('is required'),
    v.maxLength(MAX_REFRESH_TOKEN_LENGTH, `must be at most ${MAX_REFRESH_TOKEN_LENGTH} characters`),
  ),
});
