import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Position } from '@pat/event-store';
import { ensureDirectory } from '@pat/shared';
import {
  Checkpoint,
  CollectionSpec,
  Condition,
  DocumentChange,
  DocumentStore,
  FindOptions,
  Scalar,
  StoredDocument,
  Where,
  assertPlainName,
  assertSettable,
  mergeDocumentChanges,
} from '../document-store.port';

interface Row {
  id: string;
  revision: number;
  doc: string;
}

const table = (collection: string) => {
  assertPlainName('collection', collection);
  return `docs_${collection}`;
};

/** The SQL for one field: the row's own columns, or the JSON document's. */
const column = (field: string) => {
  assertPlainName('field', field);
  return field === 'id' || field === 'revision' ? field : `json_extract(doc, '$.${field}')`;
};

/** JSON booleans come back from json_extract as 1 and 0. */
const bound = (value: Scalar) => (typeof value === 'boolean' ? Number(value) : value);

/**
 * Documents as JSON in a SQLite file of their own (the embedded default), one table per
 * collection, indexes on the JSON fields queries filter and sort by. A batch and its checkpoint
 * commit in one transaction: every event is applied exactly once. The file is disposable — a
 * deleted one is built again from the log, from no checkpoint.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly db: Database.Database;
  private readonly applyTransaction: (changes: DocumentChange[], checkpoint: Checkpoint) => number;

  constructor(readonly filename: string) {
    if (filename !== ':memory:') ensureDirectory(dirname(filename));
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    // Rebuilt from the log if lost: a commit need not wait for the disk.
    this.db.pragma('synchronous = NORMAL');
    // One process owns it, as the embedded read model does.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS document_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL)',
    );
    this.applyTransaction = this.db.transaction(
      (changes: DocumentChange[], checkpoint: Checkpoint) => {
        let applied = 0;
        for (const change of mergeDocumentChanges(changes)) applied += this.applyOne(change);
        this.db
          .prepare(
            `INSERT INTO document_checkpoints (name, position) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
          )
          .run(checkpoint.name, checkpoint.position);
        return applied;
      },
    );
  }

  async declare(collections: readonly CollectionSpec[]): Promise<void> {
    for (const spec of collections) {
      const name = table(spec.name);
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL)`,
      );
      for (const index of spec.indexes) {
        const fields = index.fields.map(column);
        const indexName = `${name}_by_${index.fields.join('_')}`;
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${name} (${fields.join(', ')})`);
      }
    }
    return;
  }

  async get(collection: string, id: string): Promise<StoredDocument | null> {
    const row = this.db
      .prepare<[string], Row>(`SELECT id, revision, doc FROM ${table(collection)} WHERE id = ?`)
      .get(id);
    return row ? toDocument(row) : null;
  }

  async find(
    collection: string,
    where: Where,
    options: FindOptions = {},
  ): Promise<StoredDocument[]> {
    const { clause, values } = whereClause(where);
    const order = (options.sort ?? [])
      .map(([field, direction]) => `${column(field)} ${direction === 1 ? 'ASC' : 'DESC'}`)
      .join(', ');
    const sql =
      `SELECT id, revision, doc FROM ${table(collection)}${clause}` +
      (order ? ` ORDER BY ${order}` : '') +
      (options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '');
    const rows = this.db.prepare<unknown[], Row>(sql).all(...values);
    return rows.map(toDocument);
  }

  async count(collection: string, where: Where): Promise<number> {
    const { clause, values } = whereClause(where);
    const n = this.db
      .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table(collection)}${clause}`)
      .get(...values);
    return n?.n ?? 0;
  }

  async apply(changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<number> {
    changes.forEach(assertSettable);
    return this.applyTransaction([...changes], checkpoint);
  }

  async readCheckpoint(name: string): Promise<Position | null> {
    const row = this.db
      .prepare<[string], { position: string }>(
        'SELECT position FROM document_checkpoints WHERE name = ?',
      )
      .get(name);
    return row?.position ?? null;
  }

  async reset(collections: readonly string[], checkpoint: string): Promise<void> {
    this.db.transaction(() => {
      for (const collection of collections) {
        this.db.exec(`DELETE FROM ${table(collection)}`);
      }
      this.db.prepare('DELETE FROM document_checkpoints WHERE name = ?').run(checkpoint);
    })();
    return;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    return;
  }

  private applyOne(change: DocumentChange): number {
    const name = table(change.collection);
    const current = this.db
      .prepare<[string], Row>(`SELECT id, revision, doc FROM ${name} WHERE id = ?`)
      .get(change.id);
    if (current && current.revision >= change.revision) return 0;
    const doc = { ...(current ? (JSON.parse(current.doc) as object) : {}), ...change.set };
    return this.db
      .prepare(
        `INSERT INTO ${name} (id, revision, doc) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, doc = excluded.doc`,
      )
      .run(change.id, change.revision, JSON.stringify(doc)).changes;
  }
}

function toDocument(row: Row): StoredDocument {
  return { ...(JSON.parse(row.doc) as object), id: row.id, revision: row.revision };
}

function whereClause(where: Where): { clause: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [field, condition] of Object.entries(where)) {
    const [operator, value] = comparison(condition);
    if (value === null) {
      if (operator !== '=') throw new RangeError(`Cannot compare ${field} with null`);
      parts.push(`${column(field)} IS NULL`);
    } else {
      parts.push(`${column(field)} ${operator} ?`);
      values.push(bound(value));
    }
  }
  return { clause: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', values };
}

function comparison(condition: Condition): ['=' | '>' | '<', Scalar] {
  if (condition !== null && typeof condition === 'object') {
    return 'gt' in condition ? ['>', condition.gt] : ['<', condition.lt];
  }
  return ['=', condition];
}
