/**
 * The `.prompt` language features, as plain functions of the text, a position and what the
 * editor knows (catalog, providers, files around the prompt). The VS Code adapters in
 * src/host/language/ only convert positions and types; everything else is here, unit-tested.
 * Every function never throws: a bug answers "nothing here", never an exception in the host.
 */
export { promptCompletions, type CompletionKind, type CursorPosition, type PromptCompletion } from './completions';
export { describeInput, describeModel, promptHover, type PromptHover } from './hover';
export { newPromptSource, checkPromptName } from './newPrompt';
export { promptDefinition, promptSymbols, type PromptDefinition, type PromptSymbol, type PromptSymbolKind } from './outline';
export { analyzePrompt, onLanguageServiceError, EDITOR_CHECK_LIMIT_CHARS, tooLargeToCheck, partialCandidates, partialNames, resolvePartial, type LanguageContext, type ModelLookup, type PartialFiles } from './promptAnalysis';
export { semanticDiagnostics } from './semanticChecks';
