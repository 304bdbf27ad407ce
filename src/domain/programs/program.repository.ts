import type { Executor } from '../../db/dialect.js';
import type { AssetRow, ExclusionRow, ProgramRow } from './program.js';

export function findProgramById(db: Executor, id: string): Promise<ProgramRow | undefined> {
  return db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findProgramBySlug(db: Executor, slug: string): Promise<ProgramRow | undefined> {
  return db.selectFrom('programs').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function listProgramRows(db: Executor): Promise<ProgramRow[]> {
  return db.selectFrom('programs').selectAll().orderBy('name').execute();
}

export function findAssets(db: Executor, programId: string): Promise<AssetRow[]> {
  return db.selectFrom('program_assets').selectAll().where('program_id', '=', programId).orderBy('position').execute();
}

export function findExclusions(db: Executor, programId: string): Promise<ExclusionRow[]> {
  return db.selectFrom('program_exclusions').selectAll().where('program_id', '=', programId).orderBy('position').execute();
}

export async function findPolicy(db: Executor, programId: string, version: number): Promise<string | undefined> {
  const row = await db.selectFrom('program_policies').select('body').where('program_id', '=', programId).where('version', '=', version).executeTakeFirst();
  return row?.body;
}

export async function isProgramMember(db: Executor, programId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('program_members').select('user_id').where('program_id', '=', programId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export async function memberProgramIds(db: Executor, userId: string): Promise<string[]> {
  return (await db.selectFrom('program_members').select('program_id').where('user_id', '=', userId).execute()).map((r) => r.program_id);
}

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  created_at: string;
}

export function findMembers(db: Executor, programId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('program_members')
    .innerJoin('users', 'users.id', 'program_members.user_id')
    .select(['program_members.user_id', 'users.email', 'users.name', 'program_members.created_at'])
    .where('program_members.program_id', '=', programId)
    .orderBy('program_members.created_at')
    .orderBy('users.email')
    .execute();
}
