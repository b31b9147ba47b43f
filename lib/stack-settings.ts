// The optional settings a deployment takes from CDK context (`-c corsOrigins=… -c alarmEmail=…`
// or cdk.json), parsed and checked at synth time, so a typo fails `cdk synth` and never reaches AWS.

export interface UserApiSettings {
  /** Browser origins allowed to call the API. Empty: no CORS configuration at all. */
  readonly corsOrigins: readonly string[];
  /** Where alarm notifications go; none: the alarms only show in the CloudWatch console. */
  readonly alarmEmail?: string | undefined;
  /** HTTP API stage default throttling: steady requests per second and burst. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number } | undefined;
  /** Reserved concurrency of the router: a flood costs at most this many concurrent executions. */
  readonly routerReservedConcurrency?: number | undefined;
}

export class SettingsError extends Error {}

export const CORS_ORIGINS_CONTEXT = 'corsOrigins';
export const ALARM_EMAIL_CONTEXT = 'alarmEmail';
export const THROTTLE_RATE_CONTEXT = 'throttleRate';
export const THROTTLE_BURST_CONTEXT = 'throttleBurst';
export const ROUTER_CONCURRENCY_CONTEXT = 'routerReservedConcurrency';

/** A positive whole number from context (`-c name=50` gives a string), or undefined when absent. */
export const parsePositiveInteger = (name: string, value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new SettingsError(`${name}: "${String(value)}" is not a positive whole number.`);
  }
  return number;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const originOf = (text: string): string => {
  if (text.includes('*')) {
    throw new SettingsError(
      `${CORS_ORIGINS_CONTEXT}: "${text}" has a wildcard; list each origin that may call the API, e.g. https://app.example.com.`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingsError(
      `${CORS_ORIGINS_CONTEXT}: "${text}" is not an origin like https://app.example.com.`,
    );
  }
  // An origin is scheme, host and port only; a browser never sends a path, so one here is a mistake.
  if (!['https:', 'http:'].includes(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new SettingsError(
      `${CORS_ORIGINS_CONTEXT}: "${text}" is not an origin like https://app.example.com (scheme, host and port only).`,
    );
  }
  return url.origin;
};

/**
 * `corsOrigins` context: a comma-separated string (`-c corsOrigins=https://a.example,https://b.example`)
 * or a JSON array (cdk.json, or the string form of one). Absent or empty: no origins.
 */
export const parseCorsOrigins = (value: unknown): string[] => {
  if (value === undefined || value === null) return [];
  let items: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      items = JSON.parse(value);
    } catch {
      throw new SettingsError(`${CORS_ORIGINS_CONTEXT}: ${value} is not a JSON array of origins.`);
    }
  }
  if (typeof items === 'string') items = items.split(',');
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw new SettingsError(
      `${CORS_ORIGINS_CONTEXT} must be a comma-separated string or an array of origins.`,
    );
  }
  const texts = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  return [...new Set(texts.map(originOf))];
};

/** `alarmEmail` context: one email address, or absent/empty for none. */
export const parseAlarmEmail = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (!EMAIL.test(text))
    throw new SettingsError(`${ALARM_EMAIL_CONTEXT}: "${text}" is not an email address.`);
  return text;
};

export const userApiSettings = (context: (key: string) => unknown): UserApiSettings => ({
  corsOrigins: parseCorsOrigins(context(CORS_ORIGINS_CONTEXT)),
  alarmEmail: parseAlarmEmail(context(ALARM_EMAIL_CONTEXT)),
  ...throttleSettings(context),
});

const throttleSettings = (context: (key: string) => unknown): Partial<UserApiSettings> => {
  const rateLimit = parsePositiveInteger(THROTTLE_RATE_CONTEXT, context(THROTTLE_RATE_CONTEXT));
  const burstLimit = parsePositiveInteger(THROTTLE_BURST_CONTEXT, context(THROTTLE_BURST_CONTEXT));
  const routerReservedConcurrency = parsePositiveInteger(
    ROUTER_CONCURRENCY_CONTEXT,
    context(ROUTER_CONCURRENCY_CONTEXT),
  );
  return {
    ...((rateLimit ?? burstLimit) !== undefined && {
      throttle: { rateLimit: rateLimit ?? 100, burstLimit: burstLimit ?? 200 },
    }),
    ...(routerReservedConcurrency !== undefined && { routerReservedConcurrency }),
  };
};
