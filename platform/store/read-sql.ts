import { readFileSync } from 'node:fs';

/** Reads `sql/<name>.sql` beside the calling module (house rule 7: SQL lives in files). */
export function readSql(moduleUrl: string, name: string): string {
  return readFileSync(new URL(`./sql/${name}.sql`, moduleUrl), 'utf8');
}
