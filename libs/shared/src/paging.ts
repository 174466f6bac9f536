import { invalid } from './errors';

/**
 * Paging of every list that grows (docs/design/contract.md §10, bounded resources): `limit` (1–100,
 * default 100) and an opaque `cursor`, the base64url of the last item's sort key. The body stays
 * the plain list; the next page is named in a `Link: <…>; rel="next"` header, so clients that read
 * only the array keep working (and get the first page).
 */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 100;
/** Far above any real sort key (two ISO instants or ids), far below a costly one. */
const CURSOR_MAX_LENGTH = 512;
const KEY_PART_MAX_LENGTH = 200;

export interface PageRequest {
  readonly limit: number;
  /** The sort key of the last item of the previous page; null for the first page. */
  readonly after: readonly string[] | null;
}

export interface Page<T> {
  readonly items: T[];
  /** The cursor of the next page; null when this is the last one. */
  readonly next: string | null;
}

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${PAGE_LIMIT_MAX}`;
const CURSOR_MESSAGE = 'cursor must be a cursor returned by this API (from a Link header)';

/**
 * Reads `limit` and `cursor` as they come in a query string (a string, absent, or an array when
 * repeated); anything else is 400 naming the parameter. `keyLength` is the number of parts of
 * the list's sort key, so a cursor of another list is refused too.
 */
export function parsePageRequest(limit: unknown, cursor: unknown, keyLength: number): PageRequest {
  return { limit: parseLimit(limit), after: parseCursor(cursor, keyLength) };
}

function parseLimit(value: unknown): number {
  if (value === undefined) return PAGE_LIMIT_DEFAULT;
  if (typeof value !== 'string' || !/^[0-9]{1,3}$/.test(value)) {
    throw invalid('limit', LIMIT_MESSAGE);
  }
  const limit = Number(value);
  if (limit < 1 || limit > PAGE_LIMIT_MAX) throw invalid('limit', LIMIT_MESSAGE);
  return limit;
}

function parseCursor(value: unknown, keyLength: number): readonly string[] | null {
  if (value === undefined) return null;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > CURSOR_MAX_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(value)
  ) {
    throw invalid('cursor', CURSOR_MESSAGE);
  }
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor', CURSOR_MESSAGE);
  }
  if (
    !Array.isArray(key) ||
    key.length !== keyLength ||
    !key.every((part) => typeof part === 'string' && part.length <= KEY_PART_MAX_LENGTH)
  ) {
    throw invalid('cursor', CURSOR_MESSAGE);
  }
  return key as string[];
}

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * A page from `limit + 1` items read from the store: the extra one only says that there is a
 * next page, whose cursor is the key of the last item kept.
 */
export function pageOf<T>(fetched: T[], limit: number, keyOf: (item: T) => string[]): Page<T> {
  if (fetched.length <= limit) return { items: fetched, next: null };
  const items = fetched.slice(0, limit);
  return { items, next: encodeCursor(keyOf(items[items.length - 1])) };
}

/** What of the request and response the Link header needs (Express's satisfy it). */
export interface PagedRequest {
  readonly originalUrl: string;
}
export interface PagedResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * The URL of the next page: the request's own path and query (so `/api/v1/…` and every other
 * parameter stay), with `cursor` replaced.
 */
export function nextPageUrl(originalUrl: string, cursor: string): string {
  const url = new URL(originalUrl, 'http://localhost');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

/** Sets `Link: <next>; rel="next"` when there is a next page. */
export function setNextPageLink(
  request: PagedRequest,
  response: PagedResponse,
  next: string | null,
): void {
  if (next === null) return;
  response.setHeader('Link', `<${nextPageUrl(request.originalUrl, next)}>; rel="next"`);
}

/** The page's items as the body, its next page in the Link header. */
export function sendPage<T>(request: PagedRequest, response: PagedResponse, page: Page<T>): T[] {
  setNextPageLink(request, response, page.next);
  return page.items;
}
