/** Finds @wordpress/i18n calls in TypeScript/TSX source with the TypeScript parser. */
import ts from 'typescript';
import { JS_KEYWORDS, toMessage, translatorComment } from './keywords.mjs';

/** A string literal, a template without substitutions, or such literals joined with `+`; otherwise null. */
function literalValue(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  if (ts.isParenthesizedExpression(node)) {
    return literalValue(node.expression);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalValue(node.left);
    const right = literalValue(node.right);
    return left === null || right === null ? null : left + right;
  }
  return null;
}

export function extractTs(source, fileName) {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const lineOf = (position) => file.getLineAndCharacterOfPosition(position).line + 1;
  const comments = new Map();
  const found = [];
  const skipped = [];

  const visit = (node) => {
    for (const range of ts.getLeadingCommentRanges(source, node.pos) ?? []) {
      comments.set(range.pos, { text: source.slice(range.pos, range.end), endLine: lineOf(range.end), end: range.end });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && JS_KEYWORDS.has(node.expression.text)) {
      const name = node.expression.text;
      const start = node.getStart(file);
      const line = lineOf(start);
      const { message, skipped: reason } = toMessage(JS_KEYWORDS.get(name), node.arguments.map(literalValue));
      if (message) {
        found.push({ ...message, line, start });
      } else {
        skipped.push({ line, reason: `${name}(): ${reason}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  return {
    found: found.map(({ start, ...message }) => {
      const comment = [...comments.values()]
        .filter((candidate) => candidate.end <= start && candidate.endLine >= message.line - 1)
        .sort((a, b) => a.end - b.end)
        .map((candidate) => translatorComment(candidate.text))
        .filter(Boolean)
        .at(-1);
      return { ...message, comment: comment ?? null };
    }),
    skipped,
  };
}

const SOURCE_EXTENSIONS = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'];

/** Relative imports of a source file (`./x`, `../y`), for following an entry's module graph. */
export function relativeImports(source) {
  return ts
    .preProcessFile(source, true, false)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'));
}

export { SOURCE_EXTENSIONS };
