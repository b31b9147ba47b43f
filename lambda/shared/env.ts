// Environment variables, read once when a Lambda module loads. A missing or malformed value
// fails the cold start loudly instead of surfacing as a strange error on some later request.

export class ConfigurationError extends Error {}

export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
};

export const integerEnv = (name: string, fallback: number, min: number, max: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
};
