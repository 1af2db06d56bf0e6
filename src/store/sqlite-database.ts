/**
 * Opens the embedded store's SQLite file: creates its directory, sets WAL
 * and the other connection pragmas, and applies the schema migrations. The
 * one place that constructs a `better-sqlite3` Database, so the sink, the
 * query store and the checkpoint store all open the file the same way.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { configureConnection, migrateSqlite } from './sqlite-schema.js';

export type { Database as SqliteDatabase } from 'better-sqlite3';

export function openSqliteStore(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    configureConnection(db);
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
