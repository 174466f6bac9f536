/**
 * Parsed documents kept in memory, at most `limit` of them across all kinds (the oldest entry of
 * a kind goes first when the cache is full). Values are frozen: every caller gets the same
 * object, so none may change it. One map per kind of key, so lookups need no composed key.
 *
 * It knows nothing about freshness: its owner drops what it writes.
 */
export class DocumentCache<Kind extends string> {
  private readonly maps = new Map<Kind, Map<string, object | null>>();
  private size = 0;

  constructor(private readonly limit: number) {}

  /** The cached value (null: known not to exist), or undefined when not cached. */
  get<T extends object>(kind: Kind, key: string): T | null | undefined {
    return this.maps.get(kind)?.get(key) as T | null | undefined;
  }

  set<T extends object>(kind: Kind, key: string, value: T | null): T | null {
    if (this.limit <= 0) return value;
    let map = this.maps.get(kind);
    if (!map) {
      map = new Map();
      this.maps.set(kind, map);
    }
    if (!map.has(key)) {
      if (this.size >= this.limit) this.evictOldest(map.size > 0 ? map : this.largest());
      this.size++;
    }
    map.set(key, value === null ? null : Object.freeze(value));
    return value;
  }

  delete(kind: Kind, key: string): void {
    if (this.maps.get(kind)?.delete(key)) this.size--;
  }

  clear(): void {
    this.maps.clear();
    this.size = 0;
  }

  private largest(): Map<string, object | null> {
    let largest = new Map<string, object | null>();
    for (const map of this.maps.values()) if (map.size > largest.size) largest = map;
    return largest;
  }

  private evictOldest(map: Map<string, object | null>): void {
    // Maps iterate in insertion order: the first key is the oldest.
    const oldest = map.keys().next();
    if (!oldest.done && map.delete(oldest.value)) this.size--;
  }
}
