import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { train } from '../src/cli/train';
import { runInProcess, type tempDir } from './helpers';

/** Runs SQL statements, one after another, in a DuckDB of its own (in memory, or a file), then closes it. */
export async function duck(statements: readonly string[], path = ':memory:'): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const sql of statements) await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The rows of a query in a DuckDB of its own, as JavaScript values. */
export async function duckRows(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Samples as a CSV (one row each, features f0… then labels label0…), in a test's folder; returns its path and the label names. */
export function writeCsv(dir: ReturnType<typeof tempDir>, name: string, x: number[][], y: number[][]): { csv: string; labels: string } {
  const header = [...x.map((_, f) => `f${f}`), ...y.map((_, o) => `label${o}`)].join(',');
  const rows = x[0].map((_, j) => [...x.map((r) => r[j]), ...y.map((r) => r[j])].join(','));
  return { csv: dir.write(`${name}.csv`, `${header}\n${rows.join('\n')}\n`), labels: y.map((_, o) => `label${o}`).join(',') };
}

/** SQL text of a path. */
export const lit = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** The same CSV as Parquet, written by DuckDB: `COPY (SELECT * FROM read_csv(…)) TO '….parquet' (FORMAT parquet)`. */
export async function csvToParquet(csv: string, parquet: string): Promise<string> {
  await duck([`COPY (SELECT * FROM read_csv(${lit(csv)}, header = true)) TO ${lit(parquet)} (FORMAT parquet)`]);
  return parquet;
}

export const cli = (...argv: string[]) => runInProcess(train, argv);

/** `train … --json`: the report, after checking the run exited 0 with no error (warnings about the training may come). */
export async function json(...argv: string[]): Promise<Record<string, any>> {
  const { code, stdout, stderr } = await cli(...argv, '--json');
  expect(stderr, 'stderr').to.not.match(/^(error|internal error):/m);
  expect(code, `exit status (stderr: ${stderr})`).to.equal(0);
  return JSON.parse(stdout);
}

/** `train …` that must fail with bad input: exit 2, nothing on stdout, and one line on stderr, returned without `error: ` and the newline. */
export async function refused(...argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(stdout, 'stdout').to.equal('');
  expect(code, `exit status (stderr: ${stderr})`).to.equal(2);
  expect(stderr).to.match(/^error: [^\n]*\n$/);
  return stderr.slice('error: '.length, -1);
}
