// Reading configuration from an environment record. Only each Lambda's index.ts (and the CLIs'
// entry points) pass `process.env` here; everything else receives plain values. A missing or
// malformed value fails the cold start loudly instead of surfacing as a strange error later.

export class ConfigurationError extends Error {}

export type Environment = Readonly<Record<string, string | undefined>>;

export const requiredEnv = (env: Environment, name: string): string => {
  const value = env[name];
  if (!value) throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
};

export const integerEnv = (
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
};
