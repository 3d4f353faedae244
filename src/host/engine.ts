/**
 * The heavy half of the extension: the prompt engine (yaml, handlebars, dotprompt) and the
 * runner. esbuild bundles this file apart (dist/engine.js) and the host loads it on first
 * use through `loadEngine()`, so activation neither parses nor runs it.
 */
import { configureCoreL10n } from './coreL10n';

// Core's messages in the display language (this bundle's own copy of @vscode/l10n).
configureCoreL10n();

export { parsePromptSource } from '../core/prompt/parsePrompt';
export { promptDocument } from '../core/prompt/promptDocument';
/** The `.prompt` language features (completion, hover, outline, semantic checks): see languageService.ts. */
export * as promptLanguage from '../core/prompt/language/languageService';
export { PromptRunner } from '../core/runs/promptRunner';
export { knowledgeBaseRetriever } from '../core/rag/knowledgeBase';
export { ResponseCache, CacheTally } from '../core/cache/responseCache';
export { ComparisonRunner } from '../core/runs/comparisonRunner';
export { findComparison, latestComparison, readComparisons } from '../core/runs/runHistory';
export { VersionStore } from '../core/versions/versionStore';
export { PromptUsageIndex } from '../core/versions/promptUsage';
export { describePromptVersion, findEditedWithoutBump, listPromptHistories, previousVersionOf, saveNewVersion } from '../core/versions/promptVersions';
export { describeInputFields, formTextOf, inputValuesFromForm } from '../core/prompt/inputFields';
export { deleteSampleSet, readSampleSets, resolveInputFiles, samplesPath, saveSampleSet } from '../core/prompt/samples';
/** Images and documents as inputs (src/core/media/). */
export { mediaThumbnail } from '../core/media/mediaInputs';
export { MEDIA_FORMATS } from '../core/media/mediaFormats';
/** The Scoreboard panel: read the records, then the snapshot (src/host/scoreboard/scoreboardModel.ts). */
export { readScoreboardData } from '../core/ratings/scoreboardData';
export { ScoreboardDataReader } from '../core/ratings/scoreboardCache';
export { buildScoreboardSnapshot } from './scoreboard/scoreboardModel';
export { scoreboardCsv } from '../core/ratings/scoreboardView';
/** Datasets, checks, dataset runs and the fine-tuning export (src/core/datasets/). */
export { appendDatasetRow, readDataset, resolveDatasetPath } from '../core/datasets/datasetFile';
export { parseCheckSpecs } from '../core/datasets/checkSpecs';
export { runDataset } from '../core/datasets/datasetRunner';
export { listDatasetRuns, loadDatasetRun, summarizeByModel } from '../core/datasets/datasetRuns';
export { createModelJudge } from '../core/datasets/llmJudge';
export { exportFineTuning, fineTuneJsonl } from '../core/datasets/fineTuneExport';
/** Summarize Email (src/host/email/*): parsing, masking, related-document terms, structured summaries. */
export { parseEmail } from '../core/email/parseEmail';
export { emailPromptInputs, parseStructuredSummary, prepareThread } from '../core/email/emailSummary';
export { piiKindName, unmask } from '../core/privacy/piiMasker';
export { retrievedRefs } from '../core/prompt/ragConfig';
/** The document index's controller and commands (src/host/rag/): loaded on first use of the index, not at activation. */
export { RagController } from './rag/ragController';
export * as ragCommands from './rag/ragCommands';
export { isInside, writeFileAtomic } from '../core/workspace/guardedFs';
/** Releases (src/core/releases/): Approve for Production, the Releases view, Publish to Bedrock Prompt Management. */
export { readReleases, changeReleaseState, releasesByPrompt } from '../core/releases/releaseStore';
export { approveScoreboardRow, versionText } from '../core/releases/releaseApproval';
export { streamScoreboard } from '../core/ratings/scoreboardStream';
export { publishRelease, importPrompt, releaseDefinition, releaseText } from '../core/releases/promptManagement';
export { verifyRelease, verifyReportMarkdown } from '../core/releases/verifyRelease';
export { verifyReleaseOnDataset } from '../core/releases/verifyRelease';
/** Improve Prompt (src/host/improve/): one round, its two sources, and Save as New Version. */
export { improveRound } from '../core/improve/improveRound';
export { optimizeWithBedrock } from '../core/improve/bedrockOptimizer';
export { pickFailures, proposeFromFailures } from '../core/improve/failuresSource';
export { improvedVersions, improveTrialsFolder, saveCandidate } from '../core/improve/saveCandidate';
export { lineDiff } from '../core/improve/candidate';
export { caseComments } from '../core/improve/caseComments';
/** Production traffic: invocation logs and application feedback (src/core/production/). */
export * as production from './productionEngine';
export { buildLineage } from '../core/releases/lineage';
/** Bedrock batch inference jobs (src/core/batch/, src/host/batch/): the S3 and Bedrock SDKs load on first use. */
export { batchClients } from '../core/batch/batchAws';
export { BatchPreflightError, submitBatchEvaluation } from '../core/batch/batchSubmit';
export { ingestBatchJob } from '../core/batch/batchIngest';
export { BatchJobStore, FINAL_STATES, INGESTIBLE_STATES } from '../core/batch/batchJobStore';
export { listUnrecordedJobs, missingCases, refreshBatchJob, stopBatchJob } from '../core/batch/batchJobControl';
