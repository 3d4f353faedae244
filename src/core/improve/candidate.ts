/**
 * A proposed rewrite of a prompt as a whole `.prompt` file, and the checks that reject it
 * before any model call: it must keep every input variable, the message roles, sections and
 * partials of the current version, and its output schema, and it must parse.
 */
import * as l10n from '@vscode/l10n';
import { diffLines } from 'diff';
import { isDeepStrictEqual } from 'node:util';
import { parsePromptSource } from '../prompt/parsePrompt';
import { applyEdits, versionBumpEdits } from '../versions/bumpVersion';

export type CandidateSource = 'bedrock' | 'failures';

export interface Candidate {
  /** 1-based, in the order proposed. */
  index: number;
  source: CandidateSource;
  /** Why the proposer made this change (its reasoning, or Bedrock's analysis). */
  reasoning: string;
  /** The whole file: the current frontmatter at the next version, with the new template. */
  text: string;
  /** What the plain-text mapping could not put back. */
  notCarriedOver: string[];
  /** Why it was rejected before it was tried; empty when it may be tried. */
  rejected: string[];
}

/** The current file with `template` in place of its template, at version `version` (parent: the current one) with the changelog. */
export function candidateFileText(current: string, template: string, fields: { version: number; parent: number; changelog: string }): string {
  const parsed = parsePromptSource(current);
  const lines = current.split('\n');
  const head = lines.slice(0, parsed.templateStartLine).join('\n');
  const withBody = parsed.templateStartLine > 0 ? `${head}\n${template}` : template;
  return applyEdits(withBody, versionBumpEdits(withBody, fields));
}

/** The changelog line a saved candidate carries. */
export function improveChangelog(source: CandidateSource, reasoning: string): string {
  const why = reasoning.replace(/\s+/g, ' ').trim();
  const short = why.length > 140 ? `${why.slice(0, 139)}…` : why;
  const from = source === 'bedrock' ? "Bedrock's prompt optimizer" : 'your failures';
  return `Improve Prompt: ${from}${short ? `: ${short}` : ''}`;
}

/** The roles, sections and partials a template uses (what a rewrite must keep). */
export function requiredStructure(template: string): string[] {
  const found = new Set<string>();
  for (const m of template.matchAll(/\{\{~?\s*role\s+["']([\w-]+)["']/g)) found.add(`role ${m[1]}`);
  for (const m of template.matchAll(/\{\{~?\s*section\s+["']([^"']+)["']/g)) found.add(`section ${m[1]}`);
  for (const m of template.matchAll(/\{\{~?>\s*([\w./-]+)/g)) found.add(`partial ${m[1]}`);
  if (/\{\{~?\s*history\s*~?\}\}/.test(template)) found.add('history');
  return [...found];
}

/** Why a candidate cannot be tried (empty: it can). Compares with the current version's text. */
export function validateCandidate(currentText: string, candidateText: string): string[] {
  const current = parsePromptSource(currentText);
  const next = parsePromptSource(candidateText);
  const reasons: string[] = [];
  const firstError = next.diagnostics.find((d) => d.severity === 'error');
  if (firstError) reasons.push(l10n.t('it does not parse (line {0}: {1})', firstError.range.startLine + 1, firstError.message));
  if (next.templateParsed) {
    const used = new Set(next.variables);
    // A variable used only by the input schema (never in the template) is not required in the text.
    const needed = current.variables.filter((v) => !used.has(v));
    for (const v of needed) reasons.push(l10n.t('it drops the input variable {0}', `{{${v}}}`));
  }
  const kept = new Set(requiredStructure(next.template));
  for (const part of requiredStructure(current.template)) if (!kept.has(part)) reasons.push(l10n.t('it drops the required {0}', part));
  if (!isDeepStrictEqual(current.frontmatter.output ?? null, next.frontmatter.output ?? null)) reasons.push(l10n.t('it changes or drops the output schema'));
  if (!next.template.trim()) reasons.push(l10n.t('it is empty'));
  return reasons;
}

/** The text diff of two versions, line by line (the panel shows it). */
export function lineDiff(before: string, after: string): Array<{ kind: 'add' | 'del' | 'same'; text: string }> {
  return diffLines(before, after).flatMap((part) =>
    part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ kind: part.added ? ('add' as const) : part.removed ? ('del' as const) : ('same' as const), text })),
  );
}
