// Key material that a warm Lambda re-reads now and then, so that a rotation reaches it without a
// cold start. One load at a time; a failed re-read keeps the copy it has (a Secrets Manager
// blip must not fail requests that the old keys serve perfectly well) and tries again soon.
import type { Clock } from './clock';

const RETRY_AFTER_FAILURE_MS = 10_000;

export interface RefreshOptions {
  readonly maxAgeSeconds: number;
  readonly clock: Clock;
  /** A re-read failed while an older copy was still there to serve. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The first call loads (a failure is the caller's, and the next call tries again, as
 * memoizeUntilFailure does); later calls get the loaded value until it is `maxAgeSeconds` old.
 */
export const refreshEvery = <T>(
  load: () => Promise<T>,
  { maxAgeSeconds, clock, onError }: RefreshOptions,
): (() => Promise<T>) => {
  const maxAgeMs = maxAgeSeconds * 1000;
  let held: { readonly value: T; readonly freshUntil: number } | undefined;
  let loading: Promise<T> | undefined;
  return () => {
    if (held && clock().getTime() < held.freshUntil) return Promise.resolve(held.value);
    loading ??= load()
      .then(
        (value) => {
          held = { value, freshUntil: clock().getTime() + maxAgeMs };
          return value;
        },
        (error: unknown) => {
          if (!held) throw error;
          onError?.(error);
          held = { value: held.value, freshUntil: clock().getTime() + RETRY_AFTER_FAILURE_MS };
          return held.value;
        },
      )
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
};
