/**
 * The quoted texts of an SQL query, outside its comments: its '…' strings (E'…' with backslash
 * escapes, $tag$…$tag$ bodies) and its "…" identifiers, with doubled quotes read as one. DuckDB
 * reads a file named by any of them (`FROM 'x.csv'`, `FROM "x.csv"`, `read_parquet('d/*.parquet')`),
 * so these are the names a query may read; what they name is for the caller to look up.
 */
export function quotedTexts(sql: string): string[] {
  const texts: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      let text = '';
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (escapes && sql[j] === '\\' && j + 1 < sql.length) text += sql[++j];
        else if (sql[j] !== c) text += sql[j];
        else if (sql[j + 1] === c) text += sql[++j];
        else break;
      }
      texts.push(text);
      i = j + 1;
    } else if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i))?.[0];
      const end = tag === undefined ? -1 : sql.indexOf(tag, i + tag.length);
      if (tag === undefined || end < 0) {
        i++;
      } else {
        texts.push(sql.slice(i + tag.length, end));
        i = end + tag.length;
      }
    } else {
      i++;
    }
  }
  return texts;
}
