import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { openDatabase } from '../src/sql/database';
import { viewQuery } from '../src/sql/duckdb-names';
import { tempDir } from './helpers';
import { duck } from './sql-helpers';

describe('the file names a DuckDB query reads, evaluated before it runs (src/sql/duckdb-names.ts)', () => {
  const dir = tempDir();

  async function names(query: string, db = 'duckdb:'): Promise<string[]> {
    const open = await openDatabase(db);
    try {
      return (await open.namesRead!(query)).sort();
    } finally {
      await open.close();
    }
  }

  it('computed names, lists, named options, query(), subqueries and table names; what is not a name is left out', async () => {
    expect(await names("SELECT * FROM read_csv(concat('g*', '/a.csv'), header = true, sep = ';')")).to.deep.equal(['g*/a.csv']);
    expect(await names("SELECT * FROM read_parquet(['a' || 'b.parquet', chr(99) || '.parquet']), range(3)")).to.deep.equal(['ab.parquet', 'c.parquet']);
    expect(await names("SELECT * FROM query(concat('SELECT * FROM read_json(', '''x' || '.json''', ')'))")).to.deep.equal(['x.json']);
    expect(await names("WITH t AS (SELECT * FROM 'w.csv') SELECT * FROM t WHERE 1 IN (SELECT 1 FROM read_csv(replace('yXcsv', 'X', '.')))")).to.deep.equal(['w.csv', 'y.csv']);
    // not SQL DuckDB parses, and an argument it cannot evaluate: none (preparing the query says why)
    expect(await names('SELEC * FROM x')).to.deep.equal([]);
    expect(await names("SELECT * FROM read_csv(no_such_function('a.csv'))")).to.deep.equal([]);
  });

  it("the names in a database's views, however the view is named", async () => {
    const db = dir.path('names.duckdb');
    mkdirSync(dir.path('d'));
    dir.write('d/a.csv', 'a\n1\n');
    const e = dir.write('e.csv', 'a\n1\n');
    await duck([`CREATE VIEW v1 AS SELECT * FROM read_csv(concat('${dir.path('d')}/', '*.csv'))`, `CREATE VIEW "odd "" AS name" (a) AS SELECT * FROM '${e}'`], db);
    expect(await names('SELECT 1', `duckdb:${db}`)).to.deep.equal([dir.path('d/*.csv'), e]);
    expect(viewQuery('CREATE VIEW main."a b" AS SELECT 1')).to.equal('SELECT 1');
    expect(viewQuery('CREATE TABLE t AS SELECT 1')).to.equal(undefined);
  });
});
