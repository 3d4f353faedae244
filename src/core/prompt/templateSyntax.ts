import * as l10n from '@vscode/l10n';
import type HandlebarsModule from 'handlebars';
import type { DiagnosticRange, LineIndex, PromptDiagnostic } from './promptDiagnostics';

// The very Handlebars build dotprompt renders with, so that what we accept is what it accepts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Handlebars = require('handlebars/dist/cjs/handlebars.js') as typeof HandlebarsModule;

type AstNode = hbs.AST.Node;
type Program = hbs.AST.Program;
type PathExpression = hbs.AST.PathExpression;
type CallNode = hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement;

/** Helpers a dotprompt template may call; dotprompt compiles with `knownHelpersOnly`. */
const DOTPROMPT_HELPERS = ['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'];
const HANDLEBARS_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing'];
/** Helpers the workbench adds to dotprompt's (renderPrompt.ts registers them): `{{cachePoint}}`. */
const WORKBENCH_HELPERS = ['cachePoint'];
const KNOWN_HELPERS = new Set([...DOTPROMPT_HELPERS, ...HANDLEBARS_HELPERS, ...WORKBENCH_HELPERS]);
/** Block helpers whose body sees a different `this` than the surrounding template. */
const CONTEXT_CHANGING_HELPERS = new Set(['each', 'with']);
const MESSAGE_ROLES = ['system', 'user', 'model', 'tool'];

export interface PartialReference {
  name: string;
  range: DiagnosticRange;
}

/** One place where the template reads a top-level input variable (the path expression's range). */
export interface VariableUse {
  name: string;
  range: DiagnosticRange;
}

export interface TemplateAnalysis {
  diagnostics: PromptDiagnostic[];
  /** Top-level input variables, in order of first use. */
  variables: string[];
  /** Every read of those variables, in template order (for editor features: ranges of each use). */
  variableUses: VariableUse[];
  /** False when Handlebars rejected the template: then variables, uses and partials are unknown, not empty. */
  templateParsed: boolean;
  /** `{{> name}}` references to partials the template does not define inline. */
  partials: PartialReference[];
}

/** Handlebars parses about 1 MB a second here; beyond this only the block structure is checked. */
const MAX_FULLY_CHECKED_TEMPLATE_CHARS = 1_000_000;

/**
 * Checks a Handlebars template and lists what it uses. `templateStartOffset` is where the
 * template begins in the text `positions` indexes; the template always starts a line.
 */
export function analyzeTemplate(template: string, templateStartOffset: number, positions: LineIndex): TemplateAnalysis {
  const startLine = positions.position(templateStartOffset).line;
  const fileRange = (start: number, end: number): DiagnosticRange => positions.range(templateStartOffset + start, templateStartOffset + end);
  const scanTags = (): TagScan => scanTemplateTags(template, (offset) => positions.position(templateStartOffset + offset).line + 1);
  const problemDiagnostics = (scan: TagScan): PromptDiagnostic[] =>
    scan.problems.map(({ message, code, start, end }) => ({ severity: 'error', message, code, range: fileRange(start, end) }));

  if (template.length > MAX_FULLY_CHECKED_TEMPLATE_CHARS) {
    const scan = scanTags();
    const size = `${(template.length / 1_000_000).toFixed(1)} MB`;
    const notice: PromptDiagnostic = {
      severity: 'warning',
      code: 'template-too-large',
      message: l10n.t('Template: {0} is too large for a full check (limit {1} MB); only blocks and partials were checked, and its variables are not listed', size, MAX_FULLY_CHECKED_TEMPLATE_CHARS / 1_000_000),
      range: positions.lineRange(startLine),
    };
    const partials = scan.partials.map(({ name, start, end }) => ({ name, range: fileRange(start, end) }));
    return { diagnostics: [notice, ...problemDiagnostics(scan)], variables: [], variableUses: [], templateParsed: false, partials };
  }

  let program: Program;
  try {
    program = Handlebars.parse(template);
  } catch (error) {
    const diagnostics = problemDiagnostics(scanTags());
    if (diagnostics.length === 0) diagnostics.push(describeHandlebarsError(error, startLine, positions));
    return { diagnostics, variables: [], variableUses: [], templateParsed: false, partials: [] };
  }
  const walker = new TemplateWalker((loc) =>
    loc ? { startLine: startLine + loc.start.line - 1, startCol: loc.start.column, endLine: startLine + loc.end.line - 1, endCol: loc.end.column } : positions.lineRange(startLine),
  );
  walker.program(program, { depth: 0, blockParams: [] });
  return {
    diagnostics: walker.diagnostics,
    variables: [...walker.variables],
    variableUses: walker.variableUses,
    templateParsed: true,
    partials: walker.partials.filter((reference) => !walker.inlinePartials.has(reference.name)),
  };
}

interface Scope {
  /** How many `each`/`with`-like blocks deep: paths resolve against the template's input only at 0. */
  depth: number;
  blockParams: string[];
}

class TemplateWalker {
  readonly variables = new Set<string>();
  readonly variableUses: VariableUse[] = [];
  readonly partials: PartialReference[] = [];
  readonly inlinePartials = new Set<string>();
  readonly diagnostics: PromptDiagnostic[] = [];

  constructor(private readonly rangeOf: (loc: hbs.AST.SourceLocation | undefined) => DiagnosticRange) {}

  program(program: Program | undefined, scope: Scope): void {
    if (!program) return;
    const inner = program.blockParams?.length ? { ...scope, blockParams: [...scope.blockParams, ...program.blockParams] } : scope;
    for (const statement of program.body) this.statement(statement, inner);
  }

  private statement(node: AstNode, scope: Scope): void {
    switch (node.type) {
      case 'MustacheStatement':
        return this.call(node as hbs.AST.MustacheStatement, scope);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, scope);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.partial(node as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement, scope);
      case 'DecoratorBlock': {
        const decorator = node as hbs.AST.DecoratorBlock;
        const inlineName = decorator.params[0];
        if (decorator.path.original === 'inline' && inlineName?.type === 'StringLiteral') {
          this.inlinePartials.add((inlineName as hbs.AST.StringLiteral).value);
        }
        return this.program(decorator.program, scope);
      }
    }
  }

  private expression(node: AstNode | undefined, scope: Scope): void {
    if (node?.type === 'PathExpression') this.path(node as PathExpression, scope);
    else if (node?.type === 'SubExpression') this.call(node as hbs.AST.SubExpression, scope);
  }

  private args(node: CallNode | hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement, scope: Scope): void {
    for (const param of node.params) this.expression(param, scope);
    for (const pair of node.hash?.pairs ?? []) this.expression(pair.value, scope);
  }

  private call(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, scope: Scope): void {
    this.args(node, scope);
    if (node.path.type !== 'PathExpression') return;
    const path = node.path as PathExpression;
    const helper = helperName(path, scope);
    if (helper && KNOWN_HELPERS.has(helper)) {
      if (helper === 'role') this.checkRole(node);
    } else if (hasArguments(node) && !isBlockParam(path, scope)) {
      this.unknownHelper(path);
    } else {
      this.path(path, scope);
    }
  }

  private block(node: hbs.AST.BlockStatement, scope: Scope): void {
    this.args(node, scope);
    const helper = helperName(node.path, scope);
    const deeper = { ...scope, depth: scope.depth + 1 };
    if (helper && KNOWN_HELPERS.has(helper)) {
      this.program(node.program, CONTEXT_CHANGING_HELPERS.has(helper) ? deeper : scope);
    } else if (hasArguments(node)) {
      this.unknownHelper(node.path);
      this.program(node.program, scope);
    } else {
      // `{{#items}}…{{/items}}` iterates or enters the value itself, like each/with.
      this.path(node.path, scope);
      this.program(node.program, deeper);
    }
    this.program(node.inverse, scope);
  }

  private partial(node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement, scope: Scope): void {
    this.args(node, scope);
    if (node.name.type !== 'PathExpression') {
      this.expression(node.name, scope);
    } else if (node.type === 'PartialStatement') {
      this.partials.push({ name: (node.name as PathExpression).original, range: this.rangeOf(node.loc) });
    }
    // A partial block's body is its fallback when the partial is missing, so it is not a required reference.
    if (node.type === 'PartialBlockStatement') this.program((node as hbs.AST.PartialBlockStatement).program, scope);
  }

  private path(path: PathExpression, scope: Scope): void {
    if (path.data) {
      if (path.parts[0] === 'root' && path.parts.length > 1) this.use(path.parts[1], path);
      return;
    }
    if (path.parts.length === 0 || isBlockParam(path, scope)) return;
    if (scope.depth - path.depth > 0) return;
    this.use(path.parts[0], path);
  }

  private use(name: string, path: PathExpression): void {
    this.variables.add(name);
    this.variableUses.push({ name, range: this.rangeOf(path.loc) });
  }

  private checkRole(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression): void {
    const role = node.params[0];
    if (role?.type === 'StringLiteral' && !MESSAGE_ROLES.includes((role as hbs.AST.StringLiteral).value)) {
      this.diagnostics.push({
        severity: 'warning',
        code: 'template-unknown-role',
        message: l10n.t('Template: role "{0}" is not a message role; use {1}', (role as hbs.AST.StringLiteral).value, MESSAGE_ROLES.map((r) => `"${r}"`).join(', ')),
        range: this.rangeOf(node.loc),
      });
    }
  }

  private unknownHelper(path: PathExpression): void {
    this.diagnostics.push({
      severity: 'error',
      code: 'template-unknown-helper',
      message: l10n.t("Template: unknown helper \"{0}\"; dotprompt knows {1} and Handlebars' if, unless, each, with, lookup, log", path.original, DOTPROMPT_HELPERS.join(', ')),
      range: this.rangeOf(path.loc),
    });
  }
}

function hasArguments(node: CallNode): boolean {
  return node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
}

/** The first part of a path that names something in scope: not `this.x`, `./x`, `../x` or `@x`. */
function plainHead(path: PathExpression): string | undefined {
  return path.depth === 0 && !path.data && !/^\.|this\b/.test(path.original) ? path.parts[0] : undefined;
}

function isBlockParam(path: PathExpression, scope: Scope): boolean {
  const head = plainHead(path);
  return head !== undefined && scope.blockParams.includes(head);
}

/** The name Handlebars would look up as a helper: a plain one-part identifier that is not a block param. */
function helperName(path: PathExpression, scope: Scope): string | undefined {
  return path.parts.length === 1 && !isBlockParam(path, scope) ? plainHead(path) : undefined;
}

/** Offsets are in the template. */
interface TagSpan {
  start: number;
  end: number;
}

interface TagScan {
  problems: (TagSpan & { message: string; code: string })[];
  /** `{{> name}}` references, without those to inline partials. */
  partials: (TagSpan & { name: string })[];
}

/**
 * A linear pass over the `{{…}}` tags. Handlebars stops at its first error and names tokens,
 * not blocks, so this finds the block left unclosed or closed by the wrong tag; it is also
 * the only check for templates too large to give to Handlebars.
 */
function scanTemplateTags(template: string, lineOf: (offset: number) => number): TagScan {
  const scan: TagScan = { problems: [], partials: [] };
  const open: (TagSpan & { name: string; line: number })[] = [];
  const inlinePartials = new Set<string>();
  const firstWord = (text: string): string => /^[^\s~})(]*/.exec(text.trim())?.[0] ?? '';
  let cursor = 0;
  while (scan.problems.length === 0) {
    const start = template.indexOf('{{', cursor);
    if (start < 0) break;
    if (template[start - 1] === '\\' && template[start - 2] !== '\\') {
      cursor = start + 2; // \{{ is literal text
      continue;
    }
    const closer = /^\{\{~?!--/.test(template.slice(start, start + 6)) ? /--~?\}\}/g : /\}\}/g;
    closer.lastIndex = start + 2;
    const close = closer.exec(template);
    if (!close) {
      scan.problems.push({ message: l10n.t('Template: {0} is never closed with {1}', '"{{"', '"}}"'), code: 'template-unclosed-tag', start, end: start + 2 });
      break;
    }
    const end = close.index + close[0].length;
    cursor = end;
    const inner = template.slice(start + 2, close.index).replace(/^[{~]+/, '').replace(/[~}]+$/, '').trim();
    const tag = template.slice(start, end);
    if (inner[0] === '#' || (inner[0] === '^' && inner.length > 1)) {
      const opened = inner.slice(1).replace(/^[>*]/, '');
      const name = firstWord(opened);
      if (name === 'inline') inlinePartials.add(/^\s*inline\s+["']([^"']*)/.exec(opened)?.[1] ?? '');
      open.push({ name, start, end, line: lineOf(start) });
    } else if (inner[0] === '>') {
      scan.partials.push({ name: firstWord(inner.slice(1)), start, end });
    } else if (inner[0] === '/') {
      const name = firstWord(inner.slice(1));
      const matchIndex = open.map((block) => block.name).lastIndexOf(name);
      if (matchIndex < 0) {
        scan.problems.push({ message: l10n.t('Template: {0} on line {1} has no opening {2}', tag, lineOf(start), `{{#${name}}}`), code: 'template-unopened-block', start, end });
      } else {
        for (const unclosed of open.splice(matchIndex).slice(1)) {
          const closedBy = l10n.t('{0} on line {1} closes the block around it', tag, lineOf(start));
          scan.problems.push({ message: l10n.t('Template: unclosed {0} block opened on line {1} ({2})', `{{#${unclosed.name}}}`, unclosed.line, closedBy), code: 'template-unclosed-block', start: unclosed.start, end: unclosed.end });
        }
      }
    } else if ((inner === '^' || /^else\b/.test(inner)) && open.length === 0) {
      scan.problems.push({ message: l10n.t('Template: {0} on line {1} is outside any block', tag, lineOf(start)), code: 'template-stray-else', start, end });
    }
  }
  if (scan.problems.length === 0) {
    for (const unclosed of open) {
      scan.problems.push({ message: l10n.t('Template: unclosed {0} block opened on line {1}', `{{#${unclosed.name}}}`, unclosed.line), code: 'template-unclosed-block', start: unclosed.start, end: unclosed.end });
    }
  }
  scan.partials = scan.partials.filter((reference) => !inlinePartials.has(reference.name));
  return scan;
}

const HANDLEBARS_TOKEN_WORDS: Record<string, string> = {
  EOF: 'the end of the template',
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  INVALID: 'a character Handlebars does not allow here',
  OPEN_ENDBLOCK: 'a closing {{/…}} tag',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else …}}',
  OPEN: '"{{"',
  CLOSE_SEXPR: '")"',
  OPEN_SEXPR: '"("',
  EQUALS: '"="',
};

/** Turns Handlebars' parser output ("Parse error on line 3: … Expecting 'ID', got 'EOF'") into a sentence. */
function describeHandlebarsError(error: unknown, templateStartLine: number, positions: LineIndex): PromptDiagnostic {
  const raw = error instanceof Error ? error.message : String(error);
  const located = error as { lineNumber?: number; column?: number; endLineNumber?: number; endColumn?: number };
  const lineInTemplate = Number(/on line (\d+)/.exec(raw)?.[1] ?? located.lineNumber ?? 1);
  const fileLine = templateStartLine + lineInTemplate - 1;
  let range = positions.lineRange(fileLine);
  if (typeof located.lineNumber === 'number' && typeof located.column === 'number') {
    const endLine = templateStartLine + (located.endLineNumber ?? located.lineNumber) - 1;
    range = { startLine: fileLine, startCol: located.column, endLine, endCol: located.endColumn ?? located.column + 1 };
  }
  const got = /got '([A-Z_]+)'/.exec(raw)?.[1];
  let message: string;
  if (raw.startsWith('Lexical error')) {
    message = l10n.t('Template: text inside {0} that Handlebars cannot read', '{{ }}');
  } else if (got) {
    const expectsName = /Expecting[^\n]*'ID'/.test(raw);
    message = l10n.t('Template: unexpected {0}{1}', HANDLEBARS_TOKEN_WORDS[got] ?? got, expectsName ? l10n.t(', expected a name or value') : '');
  } else {
    message = `Template: ${raw.split('\n')[0].replace(/ - \d+:\d+$/, '')}`;
  }
  return { severity: 'error', code: 'template-syntax', message, range };
}
