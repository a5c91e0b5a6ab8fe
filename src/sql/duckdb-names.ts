/**
 * The file names a DuckDB query gives its readers, as DuckDB will see them: the arguments of every
 * table function in the query's parse tree (`read_csv(concat('g*', '/a.csv'))` gives `g*\/a.csv`),
 * each evaluated by DuckDB itself, before the query opens anything. A table function's arguments
 * are constant expressions, so evaluating one alone gives what the function is called with; the
 * SQL a `query()` call is given is read the same way, in turn.
 */

import { InputError, option, shown } from '../errors';

/** What this needs of DuckDB: a query's parse tree (`json_serialize_sql`), and the value of a serialized `SELECT expr`. */
export interface ParseTrees {
  serialize(sql: string): Promise<Tree>;
  evaluate(statement: Tree): Promise<unknown>;
}

/** A node of DuckDB's serialized parse tree (JSON). */
export type Tree = { readonly [key: string]: unknown };

/** How deep `query('…')` inside `query('…')` is followed. */
const QUERY_DEPTH = 4;

/**
 * The names the queries (`sqls`: the query, and the SQL of the database's views) read: each table
 * function's string arguments (and the strings in its list arguments) and each table name that is a
 * path (`FROM 'a.csv'`). A query DuckDB cannot parse, and an argument it cannot evaluate, give no
 * names: the query then fails when it is prepared, with DuckDB's own message.
 */
export async function namesRead(db: ParseTrees, sqls: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  const template = await db.serialize('SELECT NULL');
  const read = async (sql: string, depth: number): Promise<void> => {
    const tree = await db.serialize(sql);
    if (tree.error !== false) {
      // DuckDB carries out some statements as it prepares them (EXPORT DATABASE makes its folder)
      if (sql === sqls[0] && depth === 0 && /^Only SELECT statements/.test(String(tree.error_message))) throw notAQuery(sql);
      return;
    }
    // two SELECTs parse (DuckDB would then refuse to prepare them, in its own words)
    if (sql === sqls[0] && depth === 0 && Array.isArray(tree.statements) && tree.statements.length > 1) throw notAQuery(sql);
    for (const { name, args } of tableFunctions(tree)) {
      for (const arg of args) {
        let value: unknown;
        try {
          value = await db.evaluate(selecting(template, arg));
        } catch {
          continue;
        }
        for (const text of strings(value)) {
          if (name === 'query' && depth < QUERY_DEPTH) await read(text, depth + 1);
          else names.add(text);
        }
      }
    }
    for (const table of tableNames(tree)) names.add(table);
  };
  for (const sql of sqls) await read(sql, 0);
  return [...names];
}

/** The error of SQL that is a statement, not a query: it would be carried out, not read. */
function notAQuery(sql: string): InputError {
  const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'it';
  if (['SELECT', 'WITH', 'FROM', 'VALUES'].includes(word)) {
    return new InputError(option('sql'), ' must be one query, with no other statement after it: DuckDB would carry that out (it may write files or change the database), so none is run');
  }
  return new InputError(
    option('sql'),
    ` must be a query that reads (SELECT, WITH, FROM or VALUES); ${shown(word, 20)} is a statement DuckDB would carry out (it may write files or change the database), so it is not run`,
  );
}

/** The view's query of a `CREATE VIEW name AS query` text (as `duckdb_views()` gives it), or undefined. */
export function viewQuery(sql: string): string | undefined {
  const ident = String.raw`(?:"(?:[^"]|"")*"|[^\s."(]+)`;
  const match = new RegExp(String.raw`^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+${ident}(?:\.${ident})*\s*(?:\([^)]*\)\s*)?AS\s+`, 'i').exec(sql);
  return match ? sql.slice(match[0].length) : undefined;
}

/** Every table function call in a tree: its name and its positional arguments (not `name = value`). */
function tableFunctions(tree: unknown): { name: string; args: Tree[] }[] {
  const found: { name: string; args: Tree[] }[] = [];
  visit(tree, (node) => {
    const fn = node.function as Tree | undefined;
    if (node.type !== 'TABLE_FUNCTION' || !fn || !Array.isArray(fn.children)) return;
    const args = (fn.children as Tree[]).filter((child) => !(child.class === 'COMPARISON' && (child.left as Tree | undefined)?.class === 'COLUMN_REF'));
    // a subquery is no constant (DuckDB refuses it), and running it could read anything
    found.push({ name: String(fn.function_name).toLowerCase(), args: args.filter((arg) => !has(arg, (n) => n.class === 'SUBQUERY')) });
  });
  return found;
}

/** The names of tables read that look like files (`FROM 'a.csv'`, `FROM "d/x.parquet"`). */
function tableNames(tree: unknown): string[] {
  const found: string[] = [];
  visit(tree, (node) => {
    if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string' && /[./]/.test(node.table_name)) found.push(node.table_name);
  });
  return found;
}

/** `SELECT arg` as a serialized statement, from a serialized `SELECT NULL`. */
function selecting(template: Tree, arg: Tree): Tree {
  const statements = template.statements as Tree[];
  const node = statements[0].node as Tree;
  return { ...template, statements: [{ ...statements[0], node: { ...node, select_list: [arg] } }] };
}

/** The texts in a value: itself, or a list's (nested lists too). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

function visit(tree: unknown, at: (node: Tree) => void): void {
  if (Array.isArray(tree)) {
    for (const item of tree) visit(item, at);
  } else if (tree !== null && typeof tree === 'object') {
    at(tree as Tree);
    for (const value of Object.values(tree)) visit(value, at);
  }
}

function has(tree: unknown, test: (node: Tree) => boolean): boolean {
  let found = false;
  visit(tree, (node) => {
    found ||= test(node);
  });
  return found;
}
