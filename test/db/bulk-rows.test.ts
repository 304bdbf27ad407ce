import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { inList, insertRows } from '../../src/db/dialect.js';
import { DIALECTS, createTestContext } from '../helpers/databases.js';

const TYPES = { program_id: 'text', term: 'text', df: 'integer' } as const;

describe.each(DIALECTS)('bulk rows on %s', (engine) => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
  });
  afterEach(async () => context?.close());

  it('inserts many rows with awkward text and reads them back by a long key list', async () => {
    const awkward = ['plain', 'with "quotes"', 'back\\slash', 'comma, brace } {', 'NULL', '', 'ünïcødé ✓', "it's", 'line\nbreak'];
    const rows = Array.from({ length: 2500 }, (_, i) => ({ program_id: 'p', term: `${awkward[i % awkward.length]}#${i}`, df: i % 7 === 0 ? -i - 1 : i }));
    await context.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 1000) await insertRows(trx.insertInto('report_term_stats'), engine, rows.slice(i, i + 1000), TYPES).execute();
    });
    const keys = rows.filter((_, i) => i % 3 === 0).map((r) => r.term);
    const found = await context.db.selectFrom('report_term_stats').select(['term', 'df']).where(inList(engine, 'term', keys)).execute();
    expect(new Map(found.map((r) => [r.term, Number(r.df)]))).toEqual(new Map(rows.filter((_, i) => i % 3 === 0).map((r) => [r.term, r.df])));
  });

  it('keeps conflict handling and returning, and stores nulls as nulls', async () => {
    const types = { id: 'text', name: 'text', created_at: 'text', last_import_at: 'text' } as const;
    await insertRows(context.db.insertInto('finding_sources'), engine, [{ id: 'id-a', name: 'a', created_at: 'now', last_import_at: 'then' }], types).execute();
    const inserted = await insertRows(context.db.insertInto('finding_sources'), engine, [
      { id: 'id-a2', name: 'a', created_at: 'now', last_import_at: null },
      { id: 'id-b', name: 'b', created_at: 'now', last_import_at: null },
    ], types)
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('id')
      .execute();
    expect(inserted.map((r) => r.id)).toEqual(['id-b']);
    const rows = await context.db.selectFrom('finding_sources').select(['id', 'name', 'last_import_at']).where(inList(engine, 'name', ['a', 'b'])).orderBy('name').execute();
    expect(rows).toEqual([
      { id: 'id-a', name: 'a', last_import_at: 'then' },
      { id: 'id-b', name: 'b', last_import_at: null },
    ]);
  });

  it('refuses rows with a column the types do not name (it would be dropped on PostgreSQL alone)', () => {
    expect(() => insertRows(context.db.insertInto('report_term_stats'), engine, [{ program_id: 'p', term: 't', df: 1 }], { program_id: 'text', term: 'text' })).toThrow(/df/);
  });
});
