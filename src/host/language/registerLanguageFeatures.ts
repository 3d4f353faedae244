import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import { PROMPT_LANGUAGE_ID } from './languageId';
import { loadEngine, type Engine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { PromptLanguageContexts } from './languageContext';
import { toCompletionItem, toDocumentSymbol, toRange } from './languageConvert';
import { newPrompt } from './newPromptCommand';
import { PromptSemanticDiagnostics } from './semanticDiagnostics';

const SELECTOR: vscode.DocumentSelector = { language: PROMPT_LANGUAGE_ID };
/** `{{` `{{#` `{{>` `{{/` `role "`, and in the frontmatter `key: ` and list items. */
const TRIGGER_CHARACTERS = ['{', '#', '>', '/', '"', ' ', ':', '[', ',', '-'];

/**
 * The `.prompt` language features: completion, hover, outline, go to definition, the checks
 * that need the catalog and the files around a prompt, and `New Prompt`. The logic is in
 * src/core/prompt/language/ (loaded with the engine on first use); these adapters convert types.
 */
export function registerLanguageFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const contexts = new PromptLanguageContexts(services);
  let reporting = false;
  /** The language service, loaded with the engine on first use (never at activation). */
  const language = async (): Promise<Engine['promptLanguage']> => {
    const { promptLanguage } = await loadEngine();
    if (!reporting) {
      reporting = true;
      // The core answers "nothing" when a feature fails inside; the log keeps the reason.
      promptLanguage.onLanguageServiceError((feature, error) => services.log.error(`Prompt language ${feature} failed: ${(error as Error)?.stack ?? error}`));
    }
    return promptLanguage;
  };
  const position = (at: vscode.Position) => ({ line: at.line, col: at.character });
  const logged = <T>(feature: string, fallback: T) => (error: unknown): T => {
    services.log.error(`${feature} failed: ${(error as Error)?.stack ?? error}`);
    return fallback;
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, at) {
      const [promptLanguage, languageContext] = await Promise.all([language(), contexts.forDocument(document, { readPartials: false })]);
      return promptLanguage.promptCompletions(document.getText(), position(at), languageContext).map((item) => toCompletionItem(item, at));
    },
  };
  const hover: vscode.HoverProvider = {
    async provideHover(document, at) {
      const [promptLanguage, languageContext] = await Promise.all([language(), contexts.forDocument(document, { readPartials: false })]);
      const found = promptLanguage.promptHover(document.getText(), position(at), languageContext);
      return found ? new vscode.Hover(new vscode.MarkdownString(found.markdown), toRange(found.range)) : undefined;
    },
  };
  const symbols: vscode.DocumentSymbolProvider = {
    async provideDocumentSymbols(document) {
      return (await language()).promptSymbols(document.getText()).map(toDocumentSymbol);
    },
  };
  const definition: vscode.DefinitionProvider = {
    async provideDefinition(document, at) {
      const [promptLanguage, languageContext] = await Promise.all([language(), contexts.forDocument(document, { readPartials: false })]);
      const found = promptLanguage.promptDefinition(document.getText(), position(at), languageContext);
      if (!found) return undefined;
      const target =
        found.kind === 'file'
          ? { uri: vscode.Uri.joinPath(document.uri, '..', ...found.path.split('/')), range: new vscode.Range(0, 0, 0, 0) }
          : { uri: document.uri, range: toRange(found.range) };
      const link: vscode.LocationLink = { originSelectionRange: toRange(found.originRange), targetUri: target.uri, targetRange: target.range };
      return [link];
    },
  };

  // Language features must never throw into the editor: log, and answer nothing.
  context.subscriptions.push(
    contexts,
    new PromptSemanticDiagnostics(contexts, language, services.log),
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      { provideCompletionItems: (d, p, t, c) => Promise.resolve(completion.provideCompletionItems(d, p, t, c)).catch(logged('Completion', [])) },
      ...TRIGGER_CHARACTERS,
    ),
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p, t) => Promise.resolve(hover.provideHover(d, p, t)).catch(logged('Hover', undefined)) }),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, { provideDocumentSymbols: (d, t) => Promise.resolve(symbols.provideDocumentSymbols(d, t)).catch(logged('Outline', [])) }),
    vscode.languages.registerDefinitionProvider(SELECTOR, { provideDefinition: (d, p, t) => Promise.resolve(definition.provideDefinition(d, p, t)).catch(logged('Go to definition', undefined)) }),
    vscode.commands.registerCommand(COMMAND.newPrompt, (name?: unknown) => newPrompt(services, name)),
  );
}
