// The optional settings a deployment takes from CDK context (`-c corsOrigins=… -c alarmEmail=…`
// or cdk.json), parsed and checked at synth time, so a typo fails `cdk synth` and never reaches AWS.
import { brandOf } from '../lambda/pages/create-pages-handler';
import { isProductionBranch } from './branch';

/** `aws-managed`: each service's AWS-managed key. `customer`: one customer-managed KMS key for the stack. */
export type KmsKeyChoice = 'aws-managed' | 'customer';

export interface UserApiSettings {
  /** Browser origins allowed to call the API. Empty: no CORS configuration at all. */
  readonly corsOrigins: readonly string[];
  /** Where alarm notifications go; none: the alarms only show in the CloudWatch console. */
  readonly alarmEmail?: string | undefined;
  /** HTTP API stage default throttling: steady requests per second and burst. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number } | undefined;
  /** Reserved concurrency of the router: a flood costs at most this many concurrent executions. */
  readonly routerReservedConcurrency?: number | undefined;
  /** Provisioned concurrency of the router's `live` alias; 0: no alias, on-demand only. */
  readonly warmRouters: number;
  /** Provisioned concurrency of the authorizer's `live` alias; 0: no alias, on-demand only. */
  readonly warmAuthorizers: number;
  /** Which KMS key encrypts the table, log groups, alarm topic, queues and secrets. */
  readonly kmsKey: KmsKeyChoice;
  /** How long every log group keeps its events; at least a year on the production branch. */
  readonly logRetentionDays: number;
  /** The SES identity the mailer sends from (`mailFrom` context); undefined: mail is off. */
  readonly mailFrom?: string | undefined;
  /** Where mailed links point (`appUrl` context); the account pages this API serves when unset. */
  readonly appUrl?: string | undefined;
  /** The name the pages and the mail show (`productName` context). */
  readonly productName: string;
  /** The pages' accent colour (`accentColor` context), `#rgb` or `#rrggbb`. */
  readonly accentColor: string;
}

export class SettingsError extends Error {}

export const CORS_ORIGINS_CONTEXT = 'corsOrigins';
export const ALARM_EMAIL_CONTEXT = 'alarmEmail';
export const THROTTLE_RATE_CONTEXT = 'throttleRate';
export const THROTTLE_BURST_CONTEXT = 'throttleBurst';
export const ROUTER_CONCURRENCY_CONTEXT = 'routerReservedConcurrency';
export const WARM_ROUTERS_CONTEXT = 'warmRouters';
export const WARM_AUTHORIZERS_CONTEXT = 'warmAuthorizers';

/** A positive whole number from context (`-c name=50` gives a string), or undefined when absent. */
export const parsePositiveInteger = (name: string, value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new SettingsError(`${name}: "${String(value)}" is not a positive whole number.`);
  }
  return number;
};
export const KMS_KEY_CONTEXT = 'kmsKey';
export const MAIL_FROM_CONTEXT = 'mailFrom';
export const APP_URL_CONTEXT = 'appUrl';
export const PRODUCT_NAME_CONTEXT = 'productName';
export const ACCENT_COLOR_CONTEXT = 'accentColor';
export const LOG_RETENTION_DAYS_CONTEXT = 'logRetentionDays';

/** A year: what Control Tower's CT.CLOUDWATCH.PR.2 asks of every log group, and production's floor. */
export const PRODUCTION_LOG_RETENTION_DAYS = 365;
/** Feature branches live for days; a month of logs outlasts most of them. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** The values CloudWatch Logs accepts for RetentionInDays. */
export const LOG_RETENTION_CHOICES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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

/** `mailFrom` context: an email address (the verified SES identity), or absent for no mail. */
export const parseMailFrom = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (!EMAIL.test(text)) throw new SettingsError(`${MAIL_FROM_CONTEXT}: "${text}" is not an email address.`);
  return text;
};

/** `appUrl` context: an https URL, without a trailing slash. */
export const parseAppUrl = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim().replace(/\/+$/, '');
  if (text === '') return undefined;
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(text))
    throw new SettingsError(`${APP_URL_CONTEXT}: "${text}" is not an https URL.`);
  return text;
};

/** `productName` and `accentColor` context: the pages' brand, held to the pages function's own rules. */
export const parseBrand = (name: unknown, color: unknown): { productName: string; accentColor: string } => {
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  try {
    return brandOf(text(name), text(color));
  } catch (error) {
    throw new SettingsError(
      (error as Error).message
        .replace('PRODUCT_NAME', PRODUCT_NAME_CONTEXT)
        .replace('ACCENT_COLOR', ACCENT_COLOR_CONTEXT),
    );
  }
};

/** `kmsKey` context: `customer` for a customer-managed key; absent, empty or `aws-managed` for AWS's. */
export const parseKmsKey = (value: unknown): KmsKeyChoice => {
  const text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '' || text === 'aws-managed') return 'aws-managed';
  if (text === 'customer') return 'customer';
  throw new SettingsError(`${KMS_KEY_CONTEXT}: "${text}" is neither "customer" nor "aws-managed".`);
};

/**
 * `logRetentionDays` context, one of the values CloudWatch Logs accepts. Production keeps at least
 * a year (CT.CLOUDWATCH.PR.2) and refuses less; other branches default to a month.
 */
export const parseLogRetentionDays = (value: unknown, branch: string): number => {
  const production = isProductionBranch(branch);
  const text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '') return production ? PRODUCTION_LOG_RETENTION_DAYS : DEFAULT_LOG_RETENTION_DAYS;
  const days = Number(text);
  if (!(LOG_RETENTION_CHOICES as readonly number[]).includes(days)) {
    throw new SettingsError(
      `${LOG_RETENTION_DAYS_CONTEXT}: "${text}" is not a CloudWatch Logs retention (${LOG_RETENTION_CHOICES.join(', ')}).`,
    );
  }
  if (production && days < PRODUCTION_LOG_RETENTION_DAYS) {
    throw new SettingsError(
      `${LOG_RETENTION_DAYS_CONTEXT}: ${branch} keeps its logs at least ${PRODUCTION_LOG_RETENTION_DAYS} days (Control Tower CT.CLOUDWATCH.PR.2), got ${days}.`,
    );
  }
  return days;
};

export const userApiSettings = (context: (key: string) => unknown, branch: string): UserApiSettings => ({
  corsOrigins: parseCorsOrigins(context(CORS_ORIGINS_CONTEXT)),
  alarmEmail: parseAlarmEmail(context(ALARM_EMAIL_CONTEXT)),
  mailFrom: parseMailFrom(context(MAIL_FROM_CONTEXT)),
  appUrl: parseAppUrl(context(APP_URL_CONTEXT)),
  ...parseBrand(context(PRODUCT_NAME_CONTEXT), context(ACCENT_COLOR_CONTEXT)),
  ...throttleSettings(context),
  kmsKey: parseKmsKey(context(KMS_KEY_CONTEXT)),
  logRetentionDays: parseLogRetentionDays(context(LOG_RETENTION_DAYS_CONTEXT), branch),
  ...warmInstances(context),
});

/** Warm instances, as many as asked (0 when absent); the router's may not exceed its reserved concurrency. */
const warmInstances = (context: (key: string) => unknown) => {
  const count = (name: string) =>
    context(name) === 0 || context(name) === '0' ? 0 : (parsePositiveInteger(name, context(name)) ?? 0);
  const warmRouters = count(WARM_ROUTERS_CONTEXT);
  const reserved = parsePositiveInteger(ROUTER_CONCURRENCY_CONTEXT, context(ROUTER_CONCURRENCY_CONTEXT));
  if (reserved !== undefined && warmRouters > reserved) {
    throw new SettingsError(
      `${WARM_ROUTERS_CONTEXT}: ${warmRouters} warm instances exceed the router's reserved concurrency of ${reserved}.`,
    );
  }
  return { warmRouters, warmAuthorizers: count(WARM_AUTHORIZERS_CONTEXT) };
};

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
