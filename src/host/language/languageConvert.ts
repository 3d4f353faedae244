import * as vscode from 'vscode';
import type { CompletionKind, PromptCompletion, PromptSymbol, PromptSymbolKind } from '../../core/prompt/language/languageService';
import type { DiagnosticRange, PromptDiagnostic } from '../../core/prompt/parsePrompt';

/** Core positions are 0-based lines and UTF-16 columns, as VS Code's: these only change the type. */
export function toRange(range: DiagnosticRange): vscode.Range {
  return new vscode.Range(range.startLine, range.startCol, range.endLine, range.endCol);
}

// The tables are built on first use, not when the module loads at activation (VS Code's enums
// are there either way; stand-ins of the `vscode` module in benchmarks may not have them).
let severities: Record<PromptDiagnostic['severity'], vscode.DiagnosticSeverity> | undefined;

export function toDiagnostic(found: PromptDiagnostic): vscode.Diagnostic {
  severities ??= { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information };
  const diagnostic = new vscode.Diagnostic(toRange(found.range), found.message, severities[found.severity]);
  diagnostic.source = 'Prompt Workbench';
  diagnostic.code = found.code;
  return diagnostic;
}

let completionKinds: Record<CompletionKind, vscode.CompletionItemKind> | undefined;

export function toCompletionItem(found: PromptCompletion, position: vscode.Position): vscode.CompletionItem {
  completionKinds ??= {
    property: vscode.CompletionItemKind.Property,
    model: vscode.CompletionItemKind.EnumMember,
    value: vscode.CompletionItemKind.Value,
    variable: vscode.CompletionItemKind.Variable,
    helper: vscode.CompletionItemKind.Function,
    partial: vscode.CompletionItemKind.File,
    keyword: vscode.CompletionItemKind.Keyword,
  };
  const item = new vscode.CompletionItem(found.label, completionKinds[found.kind]);
  item.detail = found.detail;
  if (found.documentation) item.documentation = new vscode.MarkdownString(found.documentation);
  item.insertText = found.snippet ? new vscode.SnippetString(found.insertText) : found.insertText;
  item.sortText = found.sortText;
  item.range = new vscode.Range(found.replaceFrom.line, found.replaceFrom.col, position.line, position.character);
  return item;
}

let symbolKinds: Record<PromptSymbolKind, vscode.SymbolKind> | undefined;

export function toDocumentSymbol(found: PromptSymbol): vscode.DocumentSymbol {
  symbolKinds ??= {
    frontmatter: vscode.SymbolKind.Namespace,
    key: vscode.SymbolKind.Property,
    role: vscode.SymbolKind.Module,
    history: vscode.SymbolKind.Array,
    section: vscode.SymbolKind.Struct,
    heading: vscode.SymbolKind.String,
    partial: vscode.SymbolKind.File,
  };
  const symbol = new vscode.DocumentSymbol(found.name || '…', found.detail ?? '', symbolKinds[found.kind], toRange(found.range), toRange(found.selectionRange));
  symbol.children = found.children.map(toDocumentSymbol);
  return symbol;
}
