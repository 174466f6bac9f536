import Database from 'better-sqlite3';
import { Collection, INDEXED, TABLE } from './sqlite-read-model-schema';

export interface StoredRow {
  revision: number;
  doc: string;
}

/**
 * Every statement of the embedded read model, prepared once per connection: the document by id
 * and its revision-guarded upsert for each collection, and the queries.
 */
export function prepareStatements(db: Database.Database) {
  const collections = Object.keys(TABLE) as Collection[];
  const select = Object.fromEntries(
    collections.map((c) => [c, db.prepare(`SELECT revision, doc FROM ${TABLE[c]} WHERE id = ?`)]),
  ) as Record<Collection, Database.Statement<[string], StoredRow>>;
  const upsert = Object.fromEntries(
    collections.map((c) => {
      const columns = ['id', 'revision', 'doc', ...Object.keys(INDEXED[c])];
      const updates = columns.slice(1).map((col) => `${col} = excluded.${col}`);
      return [
        c,
        db.prepare(
          `INSERT INTO ${TABLE[c]} (${columns.join(', ')})
             VALUES (${columns.map(() => '?').join(', ')})
             ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}
             WHERE excluded.revision > ${TABLE[c]}.revision`,
        ),
      ];
    }),
  ) as Record<Collection, Database.Statement<unknown[]>>;

  const queries = {
    tokenByHash: db.prepare<[string], { doc: string }>(
      'SELECT doc FROM tokens WHERE token_hash = ?',
    ),
    tokensByUser: db.prepare<[string], { doc: string }>(
      'SELECT doc FROM tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC',
    ),
    userByUsername: db.prepare<[string], { doc: string }>(
      'SELECT doc FROM users WHERE username_key = ? AND deleted_at IS NULL',
    ),
    users: db.prepare<[], { doc: string }>(
      'SELECT doc FROM users WHERE deleted_at IS NULL ORDER BY username_key',
    ),
    countUsers: db.prepare<[], { n: number }>(
      'SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL',
    ),
    projects: db.prepare<[], { doc: string }>(
      'SELECT doc FROM projects ORDER BY name COLLATE NOCASE, id',
    ),
    membershipsOfUser: db.prepare<[string], { doc: string }>(
      'SELECT doc FROM memberships WHERE user_id = ? AND role IS NOT NULL ORDER BY project_id',
    ),
    membersOfProject: db.prepare<[string], { doc: string }>(
      'SELECT doc FROM memberships WHERE project_id = ? AND role IS NOT NULL ORDER BY user_id',
    ),
    // Keyset pages: the row value comparison walks the index from the cursor on.
    tokensOfUserPage: db.prepare<[string, string, string, number], { doc: string }>(
      `SELECT doc FROM tokens WHERE user_id = ? AND (created_at, id) < (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    usersPage: db.prepare<[string, string, number], { doc: string }>(
      `SELECT doc FROM users WHERE deleted_at IS NULL AND (username_key, id) > (?, ?)
         ORDER BY username_key, id LIMIT ?`,
    ),
    countActiveOfUser: db.prepare<[string, string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM tokens WHERE user_id = ? AND revoked_at IS NULL
           AND expires_at > ? AND created_at > ?`,
    ),
    activeAtPage: db.prepare<
      [
        {
          at: string;
          createdAfter: string;
          afterCreated: string;
          afterId: string;
          limit: number;
        },
      ],
      { doc: string }
    >(
      `SELECT t.doc FROM tokens t LEFT JOIN users u ON u.id = t.user_id
         WHERE t.created_at > @createdAfter AND t.created_at <= @at AND t.expires_at > @at
           AND (t.revoked_at IS NULL OR t.revoked_at > @at)
           AND (u.deleted_at IS NULL OR u.deleted_at > @at)
           AND (t.created_at, t.id) > (@afterCreated, @afterId)
         ORDER BY t.created_at, t.id LIMIT @limit`,
    ),
    activeAtOfUserPage: db.prepare<
      [
        {
          userId: string;
          at: string;
          createdAfter: string;
          afterCreated: string;
          afterId: string;
          limit: number;
        },
      ],
      { doc: string }
    >(
      `SELECT t.doc FROM tokens t LEFT JOIN users u ON u.id = t.user_id
         WHERE t.user_id = @userId AND t.created_at > @createdAfter AND t.created_at <= @at
           AND t.expires_at > @at AND (t.revoked_at IS NULL OR t.revoked_at > @at)
           AND (u.deleted_at IS NULL OR u.deleted_at > @at)
           AND (t.created_at, t.id) > (@afterCreated, @afterId)
         ORDER BY t.created_at, t.id LIMIT @limit`,
    ),
    checkpoint: db.prepare<[string], { position: string }>(
      'SELECT position FROM checkpoints WHERE projection = ?',
    ),
    streamRevision: db.prepare<[string], { revision: number }>(
      'SELECT revision FROM stream_revisions WHERE stream = ?',
    ),
    // Never backwards: a late duplicate of an earlier batch must not move a stream back.
    advanceStream: db.prepare<[string, number]>(
      `INSERT INTO stream_revisions (stream, revision) VALUES (?, ?)
         ON CONFLICT (stream) DO UPDATE SET revision = MAX(revision, excluded.revision)`,
    ),
    // The last-used fields are in no indexed column: the document alone changes.
    updateTokenDoc: db.prepare<[string, string]>('UPDATE tokens SET doc = ? WHERE id = ?'),
    storeCheckpoint: db.prepare<[string, string]>(
      `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
    ),
  };
  return { select, upsert, queries };
}

export type ReadModelStatements = ReturnType<typeof prepareStatements>;
