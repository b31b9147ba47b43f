// Typed reads of a stored item's attributes, for the item modules in items/: an attribute that is
// missing or of another type is an error, never an undefined or a NaN handed on to the domain.

/** An item as the Document Client returns it. */
export type Item = Record<string, unknown>;

/** A stored item that does not have the layout its item module describes. */
export class MalformedItemError extends Error {}

export interface AttributeReader {
  string(name: string): string;
  /** A finite number. */
  number(name: string): number;
  /** Present, and either null or a string. */
  nullableString(name: string): string | null;
  oneOf<T extends string>(name: string, allowed: readonly T[]): T;
}

/** `kind` names the item in errors; values never appear in them (a hash could be one). */
export const attributesOf = (item: Item, kind: string): AttributeReader => {
  const fail = (name: string, expected: string): never => {
    throw new MalformedItemError(`Stored ${kind} item: attribute ${name} is not ${expected}`);
  };
  const string = (name: string): string => {
    const value = item[name];
    return typeof value === 'string' ? value : fail(name, 'a string');
  };
  return {
    string,
    number: (name) => {
      const value = item[name];
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(name, 'a number');
    },
    // Absent reads as null too: items written before the attribute existed have none.
    nullableString: (name) => (item[name] === null || item[name] === undefined ? null : string(name)),
    oneOf: <T extends string>(name: string, allowed: readonly T[]): T => {
      const value = string(name);
      return allowed.find((candidate) => candidate === value) ?? fail(name, `one of ${allowed.join(', ')}`);
    },
  };
};
