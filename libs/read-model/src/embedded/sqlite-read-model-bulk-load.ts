import Database from 'better-sqlite3';

/** What the queries other than by id need; dropped during a bulk load, built again after it. */
export const SECONDARY_INDEXES = `
  CREATE UNIQUE INDEX IF NOT EXISTS tokens_by_hash ON tokens (token_hash);
  CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id, created_at DESC);
  CREATE INDEX IF NOT EXISTS users_by_username ON users (username_key);
  CREATE INDEX IF NOT EXISTS tokens_by_user_page ON tokens (user_id, created_at, id);
  CREATE INDEX IF NOT EXISTS tokens_by_created ON tokens (created_at, id);
  CREATE INDEX IF NOT EXISTS users_in_order ON users (username_key, id);
  CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships (user_id, project_id);
  CREATE INDEX IF NOT EXISTS memberships_by_project ON memberships (project_id, user_id);
`;

/** SQLite page cache while bulk loading, KiB (negative: a size, not a page count). */
const BULK_CACHE_KIB = -256 * 1024;
const SECONDARY_INDEX_NAMES = [...SECONDARY_INDEXES.matchAll(/EXISTS (\w+) ON/g)].map((m) => m[1]);

/**
 * During a rebuild every batch would update five secondary B-trees at random places; instead
 * the indexes go, and come back built in one sorted pass at the end, and nothing waits for
 * the disk until then. A marker row makes the next open discard a bulk load that was cut off.
 */
export function setBulkLoading(db: Database.Database, on: boolean, defaultCacheSize: number): void {
  const loading = db.prepare('SELECT COUNT(*) FROM bulk_loading').pluck().get() !== 0;
  if (on && !loading) {
    db.transaction(() => {
      db.prepare('INSERT INTO bulk_loading (since) VALUES (?)').run(new Date().toISOString());
      for (const name of SECONDARY_INDEX_NAMES) db.exec(`DROP INDEX IF EXISTS ${name}`);
    })();
    // Room for the pages of a bulk batch, so they are written once at commit (about 100 MB
    // for 100 000 events); handed back afterwards.
    db.pragma(`cache_size = ${BULK_CACHE_KIB}`);
    // No waiting for the disk meanwhile: an interrupted bulk load is discarded (see open).
    db.pragma('synchronous = OFF');
  } else if (!on && loading) {
    db.pragma('synchronous = NORMAL');
    db.exec(SECONDARY_INDEXES);
    // Everything written without syncs reaches the disk, synced, before the marker goes.
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('DELETE FROM bulk_loading');
    db.pragma(`cache_size = ${defaultCacheSize}`);
  }
}
