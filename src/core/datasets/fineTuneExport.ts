import * as fs from 'node:fs';
import { readTextContained } from '../workspace/guardedFs';
import * as path from 'node:path';
import { contentHash } from '../prompt/contentHash';
import { renderPrompt } from '../prompt/renderPrompt';
import type { ChatMessage } from '../providers/types';
import type { RatingRecord } from '../ratings/ratingRecord';
import { effectiveRatings, readRatings } from '../ratings/ratingsStore';
import { readRunHistory } from '../runs/runHistory';
import type { RunRecord } from '../runs/runRecord';
import { VersionStore } from '../versions/versionStore';
import { WorkbenchPaths } from '../workspace/paths';

/**
 * One training example in Amazon Bedrock model customization's conversational format
 * (`bedrock-conversation-2024`): system text, then alternating user/assistant turns that end
 * with the assistant's answer.
 */
export interface BedrockConversation {
  schemaVersion: 'bedrock-conversation-2024';
  /** Left out when the prompt has no system text. */
  system?: Array<{ text: string }>;
  messages: Array<{ role: 'user' | 'assistant'; content: Array<{ text: string }> }>;
}

export interface FineTuneExportOptions {
  workspaceFolder: string;
  /** The prompt's name (as in its frontmatter). */
  prompt: string;
  /** A run qualifies when the mean of its overall star ratings is at least this (default 4). */
  minStars?: number;
  /** A run with no star rating qualifies on more thumbs up than down (default true). */
  thumbsUp?: boolean;
}

export interface FineTuneExport {
  examples: BedrockConversation[];
  /** Rated runs that qualified. */
  qualified: number;
  skipped: {
    /** Runs recorded with the inputs' hash only (`promptWorkbench.runs.storeInputs` off): they cannot be rebuilt. */
    noInputs: number;
    /** The prompt text the run used is not kept (no version snapshot, the file changed). */
    noPromptText: number;
    /** Failed or empty answers, and the same inputs with the same answer twice. */
    unusable: number;
  };
  problems: string[];
}

/** Whether a run's overall ratings make it a good example: stars first, thumbs when it has no stars. */
function qualifyingRunIds(ratings: readonly RatingRecord[], prompt: string, minStars: number, thumbsUp: boolean): Set<string> {
  const tally = new Map<string, { stars: number[]; up: number; down: number }>();
  for (const r of effectiveRatings(ratings)) {
    if (r.kind === 'pairwise' || r.criterion !== 'overall' || r.prompt.name !== prompt || !r.runId) continue;
    let t = tally.get(r.runId);
    if (!t) tally.set(r.runId, (t = { stars: [], up: 0, down: 0 }));
    if (r.kind === 'stars') t.stars.push(r.value);
    else if (r.value === 'up') t.up++;
    else t.down++;
  }
  const ids = new Set<string>();
  for (const [runId, t] of tally) {
    const mean = t.stars.length ? t.stars.reduce((a, b) => a + b, 0) / t.stars.length : null;
    if (mean !== null ? mean >= minStars : thumbsUp && t.up > t.down) ids.add(runId);
  }
  return ids;
}

/** The outputs rated best for a prompt, rebuilt into Bedrock conversations from the exact prompt text each run used. */
export async function exportFineTuning(options: FineTuneExportOptions): Promise<FineTuneExport> {
  const paths = new WorkbenchPaths(options.workspaceFolder);
  const [ratings, history] = await Promise.all([readRatings(paths.ratingsFile), readRunHistory(paths.runsDir)]);
  const problems = [...ratings.problems, ...history.problems].map((p) => `${p.file}:${p.line}: skipped: ${p.message}`);
  const wanted = qualifyingRunIds(ratings.records, options.prompt, options.minStars ?? 4, options.thumbsUp ?? true);
  const result: FineTuneExport = { examples: [], qualified: 0, skipped: { noInputs: 0, noPromptText: 0, unusable: 0 }, problems };
  const versions = new VersionStore(options.workspaceFolder);
  const seen = new Set<string>();
  const texts = new Map<string, string | undefined>();
  for (const run of history.records) {
    if (!wanted.has(run.id)) continue;
    result.qualified++;
    if (run.error || !run.output.trim()) {
      result.skipped.unusable++;
      continue;
    }
    if (!run.inputs) {
      result.skipped.noInputs++;
      continue;
    }
    const key = `${run.inputsHash}\u0000${run.output}`;
    if (seen.has(key)) {
      result.skipped.unusable++;
      continue;
    }
    const textKey = `${run.prompt.name}\u0000${run.prompt.version}\u0000${run.prompt.contentHash}`;
    if (!texts.has(textKey)) texts.set(textKey, await promptTextOf(run, versions, options.workspaceFolder));
    const source = texts.get(textKey);
    if (source === undefined) {
      result.skipped.noPromptText++;
      continue;
    }
    try {
      const promptFile = run.prompt.path ? path.join(options.workspaceFolder, run.prompt.path) : undefined;
      const rendered = await renderPrompt(source, run.inputs, { path: promptFile, partialDir: promptFile ? path.dirname(promptFile) : undefined });
      result.examples.push(toBedrockConversation(rendered.messages, run.output));
      seen.add(key);
    } catch (err) {
      result.problems.push(`run ${run.id}: the prompt could not be rendered again: ${(err as Error).message}`);
      result.skipped.noPromptText++;
    }
  }
  return result;
}

/** The text a run used: its version's snapshot (or the variant kept for an edit without a bump), else the file if unchanged. */
async function promptTextOf(run: RunRecord, versions: VersionStore, workspaceFolder: string): Promise<string | undefined> {
  const { name, version, contentHash: hash } = run.prompt;
  const candidates = [() => versions.read(name, version), () => versions.read(name, version, hash)];
  // The path comes from a run record (a workspace file): read only inside the workspace folder.
  if (run.prompt.path) candidates.push(() => readTextContained(run.prompt.path!, { root: workspaceFolder }).catch(() => undefined));
  for (const read of candidates) {
    const text = await read();
    if (text !== undefined && contentHash(text) === hash) return text;
  }
  return undefined;
}

/** Rendered messages + the answer → a conversation: system turns joined, same-role turns merged, ending with the answer. */
export function toBedrockConversation(messages: readonly ChatMessage[], answer: string): BedrockConversation {
  const textOf = (m: ChatMessage) => m.content.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('');
  const system: string[] = [];
  const turns: BedrockConversation['messages'] = [];
  const push = (role: 'user' | 'assistant', text: string) => {
    if (!text.trim()) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content[0].text += `\n\n${text}`;
    else turns.push({ role, content: [{ text }] });
  };
  for (const m of messages) {
    // Template line breaks around role markers are layout, not content.
    if (m.role === 'system') system.push(textOf(m).trim());
    else if (m.role === 'user') push('user', textOf(m).trim());
    else if (m.role === 'model') push('assistant', textOf(m));
  }
  // Bedrock wants the conversation to open with the user; a prompt that is all system text becomes that turn.
  if (!turns.length || turns[0].role !== 'user') {
    turns.unshift({ role: 'user', content: [{ text: system.length ? system.pop()! : '' }] });
  }
  // A trailing assistant turn is a prefill: the answer continues it.
  const last = turns[turns.length - 1];
  if (last.role === 'assistant') last.content[0].text += answer;
  else turns.push({ role: 'assistant', content: [{ text: answer }] });
  const systemText = system.filter((s) => s.trim()).join('\n\n');
  return { schemaVersion: 'bedrock-conversation-2024', ...(systemText ? { system: [{ text: systemText }] } : {}), messages: turns };
}

/** The export as a JSONL file's text: one conversation per line. */
export function fineTuneJsonl(examples: readonly BedrockConversation[]): string {
  return examples.map((e) => JSON.stringify(e)).join('\n') + (examples.length ? '\n' : '');
}
