import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as ts from 'typescript';

/** Lines holding at least one token of code (from the parsed file): blank lines, comments and TSDoc are not counted. */
function codeLines(source: string): number {
  const file = ts.createSourceFile('code.ts', source, ts.ScriptTarget.Latest, /* setParentNodes */ true);
  const lineOf = (position: number) => file.getLineAndCharacterOfPosition(position).line;
  const lines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return; // TSDoc is not code
    const children = node.getChildren(file);
    if (children.length === 0 && node.kind !== ts.SyntaxKind.EndOfFileToken) {
      // a token spanning lines (a template literal) counts each of its lines
      for (let l = lineOf(node.getStart(file)); l <= lineOf(node.getEnd()); l++) lines.add(l);
    }
    children.forEach(visit);
  };
  visit(file);
  return lines.size;
}

describe('code size', () => {
  it('counts code lines, not comments or blank lines', () => {
    expect(codeLines('/** doc\n * more\n */\nconst a = 1;\n\n// note\nconst b = `x\ny`;\n')).to.equal(3);
  });

  it('src/classifier.ts holds at most 200 lines of code: the estimator delegates (#19)', () => {
    const n = codeLines(readFileSync('src/classifier.ts', 'utf8'));
    expect(n, `src/classifier.ts has ${n} lines of code`).to.be.at.most(200);
  });
});
