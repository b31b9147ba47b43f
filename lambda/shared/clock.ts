// Time and identity sources, injected so that tests move time instead of sleeping and can
// predict ids. Production code takes them from the composition root, never from globals.
import { randomUUID } from 'node:crypto';

/** The current time. Every time-based rule (expiry, back-off, memory of failures) reads it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A new random id (UUID v4). */
export type IdSource = () => string;

export const randomIds: IdSource = randomUUID;
