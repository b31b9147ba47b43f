// Structured JSON logs, one object per line (CloudWatch Logs Insights reads the fields).
// Secrets never reach a log line: any field whose name looks like a credential is masked,
// however deep it sits, and error details are logged by message and stack, never by payload.

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /pass(word)?|hash|token|secret|authorization|cookie|credential/i;

const configuredLevel = process.env.LOG_LEVEL?.toLowerCase();
// `silent` keeps test output readable; anything unknown falls back to info.
const threshold =
  configuredLevel === 'silent' ? Number.POSITIVE_INFINITY : (LEVELS[configuredLevel as Level] ?? LEVELS.info);

const redact = (value: unknown, depth = 0): unknown => {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_FIELD.test(key) ? '[redacted]' : redact(item, depth + 1),
    ]),
  );
};

const write = (level: Level, message: string, fields: Record<string, unknown>): void => {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({
    level,
    time: new Date().toISOString(),
    message,
    ...(redact(fields) as object),
  });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

export const logger = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('debug', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('info', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('warn', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('error', message, fields),
};
