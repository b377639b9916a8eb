import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tablesCreatedBy as created } from '../created-tables.ts';

const tablesCreatedBy = (sql: string) => created(sql).map((t) => t.name);

describe('the tables a migration creates', () => {
  it('reads create table with its options, schema and quoted names', () => {
    const sql = [
      'create table notes (id text primary key);',
      'CREATE TABLE IF NOT EXISTS app.note_tags (note text references notes (id));',
      'create unlogged table note_cache (k text);',
      'create table "NoteLinks" (a text);',
      'create index notes_by_id on notes (id);',
      'create table if not exists notes (id text);',
    ].join('\n');
    expect(tablesCreatedBy(sql)).toEqual(['NoteLinks', 'note_cache', 'note_tags', 'notes']);
  });

  it('skips comments, strings and temporary tables', () => {
    const sql = [
      '-- create table in_line_comment (a int);',
      '/* create table in_block /* nested */ create table still_in_block (a int); */',
      "insert into notes (body) values ('create table in_string (a int);'), (E'it\\'s create table escaped');",
      'create temporary table scratch (a int);',
      'create local temp table scratch2 (a int);',
      'create table kept (a int);',
    ].join('\n');
    expect(tablesCreatedBy(sql)).toEqual(['kept']);
  });

  it('reads dollar-quoted bodies as SQL, and follows drops and renames', () => {
    const sql = [
      'do $m$ begin',
      "  if true then execute format($f$create table vectors (v %1$I.vector)$f$, 'public'); end if;",
      'end $m$;',
      'create table old_name (a int); alter table only old_name rename to new_name;',
      'create table gone (a int); create table also_gone (a int);',
      'drop table if exists gone, public.also_gone;',
      'select $1;',
    ].join('\n');
    expect(tablesCreatedBy(sql)).toEqual(['new_name', 'vectors']);
  });

  it('says where each table is created', () => {
    const sql = 'select 1;\ncreate table a (x int);\ncreate table b (x int); alter table b rename to c;\n';
    expect(created(sql)).toEqual([
      { name: 'a', offset: sql.indexOf('create table a') },
      { name: 'c', offset: sql.indexOf('create table b') },
    ]);
  });

  it("reads this repository's own migrations", async () => {
    const sql = await readFile(new URL('../../migrations/0001_outbox_and_inbox.sql', import.meta.url), 'utf8');
    expect(tablesCreatedBy(sql).length).toBeGreaterThan(0);
  });
});
