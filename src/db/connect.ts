import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector, type TableMetadata } from 'kysely';
import type { Database } from './schema.js';
import type { Engine } from './dialect.js';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** The SQLite file (undefined on PostgreSQL); used by backups. */
  readonly sqliteFile: string | undefined;
  /** The PostgreSQL pool, shared with pg-boss (undefined on SQLite). */
  readonly pgPool: pg.Pool | undefined;
  readonly pgSchema: string | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl: string | undefined;
  databaseSchema?: string | undefined;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options.databaseSchema, options.poolSize ?? 10);
  return connectSqlite(path.join(options.dataDir, 'cvdesk.sqlite'));
}

function connectSqlite(file: string): DatabaseHandle {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // 32 MiB of pages kept by SQLite itself (the default is 2 MiB): at a million reports the inbox's
  // index pages no longer fit in 2 MiB, and re-reading them from the OS doubled its p99.
  sqlite.pragma('cache_size = -32768');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    engine: 'sqlite',
    sqliteFile: file,
    pgPool: undefined,
    pgSchema: undefined,
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; preparing costs more than running a small query. Reusing
 * prepared statements by SQL text (queries are parameterised, so the set is small) halves the
 * cost of the queries on every request's path. Streaming (`iterate`) is not used by cvdesk, so a
 * statement is never busy when it is reused.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= 1000) cache.clear();
      statement = sqlite.prepare(source);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Kysely's migrator asks the introspector for every table of every schema; on a server where other
 * schemas come and go (test runs, other apps) that scan fails when one is dropped mid-query.
 * cvdesk only ever needs its own schema, so introspection looks there alone. (Only table names
 * and schemas are reported: the migrator needs nothing more.)
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return {
      async getSchemas() {
        const rows = await sql<{ name: string }>`select current_schema() as name`.execute(db);
        return rows.rows.map((row) => ({ name: row.name }));
      },
      async getTables(): Promise<TableMetadata[]> {
        const rows = await sql<{ name: string; schema: string; type: string }>`
          select table_name as name, table_schema as schema, table_type as type
          from information_schema.tables where table_schema = current_schema()`.execute(db);
        return rows.rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.type === 'VIEW', columns: [] }));
      },
      async getMetadata() {
        return { tables: await this.getTables() };
      },
    };
  }
}

async function connectPostgres(url: string, schema: string | undefined, poolSize: number): Promise<DatabaseHandle> {
  // Loaded only when used: the embedded default should not pay for it at start-up.
  const { default: pg } = await import('pg');
  // PostgreSQL returns int8 as a string by default; our counters fit in a double.
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  if (schema) {
    // Each connection works in its own schema (tests give every run one, so runs never collide).
    pool.on('connect', (client) => {
      client.query(`SET search_path TO "${schema}"`).catch(() => undefined);
    });
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET search_path TO "${schema}"`);
    } finally {
      client.release();
    }
  }
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return {
    db,
    engine: 'postgres',
    sqliteFile: undefined,
    pgPool: pool,
    pgSchema: schema,
    close: () => db.destroy(),
  };
}
