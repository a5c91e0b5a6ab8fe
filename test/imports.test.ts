import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'assembly' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The src/ modules a module imports statically (`import … from`, `export … from`, type-only ones too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]);
  return targets.map((t) => {
    const base = resolve(dirname(file), t);
    return [`${base}.ts`, join(base, 'index.ts')].find(existsSync) ?? `${base}?`;
  });
}

describe('the import graph of src/', () => {
  const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)]));

  it('resolves every relative import', () => {
    const missing = [...graph].flatMap(([f, to]) => to.filter((t) => t.endsWith('?')).map((t) => `${relative(SRC, f)} → ${t}`));
    expect(missing).to.deep.equal([]);
  });

  it('has no cycle (type-only imports included)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).to.deep.equal([]);
  });

  it('keeps CLI flags out of the library: no module outside src/cli names one', () => {
    const flags = /['"`](--[a-z][a-z-]*)/g;
    const named = [...graph.keys()]
      .filter((f) => !relative(SRC, f).startsWith('cli'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(flags)].map((m) => `${relative(SRC, f)}: ${m[1]}`))
      // the options table is where keys meet their flags
      .filter((hit) => !hit.startsWith('options.ts'));
    expect(named).to.deep.equal([]);
  });
});
