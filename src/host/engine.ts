/**
 * The heavy half of the extension: the prompt engine (yaml, handlebars, dotprompt) and the
 * runner. esbuild bundles this file apart (dist/engine.js) and the host loads it on first
 * use through `loadEngine()`, so activation neither parses nor runs it.
 */
export { parsePromptSource } from '../core/prompt/parsePrompt';
/** The `.prompt` language features (completion, hover, outline, semantic checks): see languageService.ts. */
export * as promptLanguage from '../core/prompt/language/languageService';
export { PromptRunner } from '../core/runs/promptRunner';
export { ComparisonRunner } from '../core/runs/comparisonRunner';
export { findComparison, latestComparison, readComparisons } from '../core/runs/runHistory';
export { VersionStore } from '../core/versions/versionStore';
export { PromptUsageIndex } from '../core/versions/promptUsage';
export { describePromptVersion, findEditedWithoutBump, listPromptHistories, previousVersionOf, saveNewVersion } from '../core/versions/promptVersions';
export { describeInputFields, formTextOf, inputValuesFromForm } from '../core/prompt/inputFields';
export { deleteSampleSet, readSampleSets, resolveInputFiles, samplesPath, saveSampleSet } from '../core/prompt/samples';
