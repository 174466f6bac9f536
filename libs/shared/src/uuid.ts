/** A UUID in its canonical 8-4-4-4-12 hex form, either case (the ids this service hands out). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path or query value can be an id at all: lookups check it first, so that any other
 * string is a plain 404 and never reaches a store query.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
