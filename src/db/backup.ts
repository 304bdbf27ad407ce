import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.js';

/**
 * An online, consistent copy of the database while cvdesk runs: SQLite's `VACUUM INTO` (a
 * snapshot in one statement), or `pg_dump` in custom format for PostgreSQL.
 */
export async function backupDatabase(database: DatabaseHandle, databaseUrl: string | undefined, target: string): Promise<void> {
  const file = path.resolve(target);
  if (fs.existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (database.engine === 'sqlite') {
    await sql`vacuum into ${file}`.execute(database.db);
    return;
  }
  const args = ['--format=custom', '--no-owner', `--file=${file}`, ...(database.pgSchema ? [`--schema=${database.pgSchema}`] : []), databaseUrl!];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pg_dump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot run pg_dump: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed (${code}): ${stderr.trim()}`))));
  });
}
