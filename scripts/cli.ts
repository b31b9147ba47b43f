// What the command-line scripts share: the error that means "wrong usage" (printed as one line,
// exit 2), and option parsing that never quotes a stray argument back (it may be a password).
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {}

/** node:util parseArgs, strict, with its refusals as UsageError. */
export const parseOptions = <T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> => {
  try {
    return parseArgs(config);
  } catch (error) {
    // Node's message would quote the stray argument, which may well be a password.
    if ((error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError('unexpected argument: only the options below are accepted.');
    }
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};
