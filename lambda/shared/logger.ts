// Structured JSON logs, one object per line (CloudWatch Logs Insights reads the fields).
// Secrets never reach a log line: any field whose name looks like a credential is masked,
// however deep it sits, and error details are logged by message and stack, never by payload.
// A logger is a value: each Lambda's index.ts makes one from LOG_LEVEL; tests and the local
// stack make their own (a quiet one, or one that writes to a list they inspect).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Second-factor codes and secrets are caught by name too (`code`, `otp…`, `recovery_codes`), and
// signing keys: a JWK's private member `d`, anything named private, whole key sets.
const SECRET_FIELD =
  /pass(word)?|hash|token|secret|authorization|cookie|credential|^code$|otp|recovery|^d$|private|^jwk$|key_?set/i;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** `silent` writes nothing; an unknown or missing level means `info`. */
  readonly level?: string | undefined;
  /** Where a finished line goes; stdout/stderr by level when omitted (what Lambda ships to CloudWatch). */
  readonly write?: (line: string, level: LogLevel) => void;
  readonly now?: () => Date;
  /** Applied to each logged error's stack: the Lambdas map theirs back to the sources here. */
  readonly stack?: (stack: string) => string;
}

const redact = (value: unknown, stack: (stack: string) => string, depth = 0): unknown => {
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack && stack(value.stack) };
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, stack, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_FIELD.test(key) ? '[redacted]' : redact(item, stack, depth + 1),
    ]),
  );
};

const toConsole = (line: string, level: LogLevel): void => {
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

export const createLogger = (options: LoggerOptions = {}): Logger => {
  const configured = options.level?.toLowerCase();
  const threshold =
    configured === 'silent' ? Number.POSITIVE_INFINITY : (LEVELS[configured as LogLevel] ?? LEVELS.info);
  const write = options.write ?? toConsole;
  const now = options.now ?? (() => new Date());
  const stack = options.stack ?? ((raw: string) => raw);
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (LEVELS[level] < threshold) return;
      write(
        JSON.stringify({ level, time: now().toISOString(), message, ...(redact(fields, stack) as object) }),
        level,
      );
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};

/** Writes nothing: for code paths whose caller does not care (scripts that print their own lines). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
