/**
 * Instants that clients send must say which instant they mean (issue 13): a date and time with a
 * UTC offset, `Z` or `±hh:mm`. Without one, JavaScript reads a date-time in the server's own time
 * zone (a date alone, in UTC), so the same request would mean different instants on different
 * servers. Used with class-validator's IsISO8601 (which checks the date itself) and Matches.
 */
export const ISO_INSTANT_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The end of a validation message about such an instant. */
export const INSTANT_FORMAT_HINT =
  'an ISO 8601 date and time with a UTC offset (Z or ±hh:mm), e.g. 2027-01-01T00:00:00Z';
