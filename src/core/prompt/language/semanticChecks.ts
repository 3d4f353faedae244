import * as l10n from '@vscode/l10n';
import { parseModelId } from '../../providers/modelId';
import { LineIndex, type DiagnosticRange, type PromptDiagnostic } from '../promptDiagnostics';
import { RAG_CONFIG_KEYS, RAG_CONTEXT_VARIABLE, readRagConfig } from '../ragConfig';
import { analyzeTemplate } from '../templateSyntax';
import type { YamlEntry } from './frontmatterYaml';
import { analyzePrompt, guarded, partialCandidates, resolvePartial, tooLargeToCheck, type LanguageContext, type PromptAnalysis } from './promptAnalysis';
import { CONFIG_KEYS, didYouMean, FRONTMATTER_KEYS, INPUT_KEYS, OUTPUT_KEYS, WORKBENCH_KEYS, WORKBENCH_PREFIX } from './promptVocabulary';

/** How many uses of one undeclared variable get a squiggle each; the rest are counted in the message. */
const MAX_USES_REPORTED = 20;
/** Amazon Bedrock's text models take a temperature from 0 to 1; OpenAI-compatible servers up to 2. */
const BEDROCK_MAX_TEMPERATURE = 1;
const ANY_MAX_TEMPERATURE = 2;

/**
 * The checks that need more than the text: the model catalog, the files around the prompt,
 * and the meaning of keys and values. They come on top of `parsePromptSource`'s (YAML,
 * Handlebars, field types), never repeat them, and never throw.
 *
 * Severity: an error where the prompt cannot work as written (a value no model accepts, a
 * partial that is not there); a warning where it may (a model the catalog does not know,
 * since custom and imported Bedrock models exist; a value beyond what the catalog says a
 * model accepts, since the catalog may lag the provider; unknown keys, which dotprompt drops).
 */
export function semanticDiagnostics(text: string, context: LanguageContext): PromptDiagnostic[] {
  const tooLarge = tooLargeToCheck(text);
  if (tooLarge) return [tooLarge];
  // Each group on its own, so that a bug in one check leaves the others' findings standing.
  const checks = [keyChecks, modelChecks, lifecycleChecks, configChecks, variableChecks, partialChecks, ragChecks];
  return checks.flatMap((check) => guarded(`diagnostics (${check.name})`, [], () => check(analyzePrompt(text), context)));
}

function diagnostic(severity: PromptDiagnostic['severity'], code: string, message: string, range: DiagnosticRange): PromptDiagnostic {
  return { severity, code, message, range };
}

function suggestion(name: string, candidates: readonly string[]): string {
  const close = didYouMean(name, candidates);
  return close ? l10n.t('; did you mean "{0}"?', close) : '';
}

function keyChecks({ nodes }: PromptAnalysis, _context: LanguageContext): PromptDiagnostic[] {
  if (!nodes) return [];
  const found: PromptDiagnostic[] = [];
  const topKeys = FRONTMATTER_KEYS.map((entry) => entry.name);
  const workbenchKeys = WORKBENCH_KEYS.map((entry) => entry.name);
  for (const { key, keyRange } of nodes.entries()) {
    if (topKeys.includes(key) || workbenchKeys.includes(key) || key === 'workbench') continue;
    if (key.startsWith(WORKBENCH_PREFIX)) {
      found.push(diagnostic('warning', 'frontmatter-unknown-key', l10n.t('Frontmatter: "{0}" is not a Prompt Workbench setting{1}', key, suggestion(key, workbenchKeys) || l10n.t('; known: {0}', workbenchKeys.join(', '))), keyRange));
    } else if (key.includes('.')) {
      // Another tool's extension field (dotprompt keeps it under ext); only a typo of ours is flagged.
      const close = didYouMean(key, workbenchKeys);
      if (close) found.push(diagnostic('warning', 'frontmatter-unknown-key', l10n.t('Frontmatter: "{0}" is kept as another tool\'s field; did you mean "{1}"?', key, close), keyRange));
    } else if (key === 'raw' || key === 'ext') {
      found.push(diagnostic('warning', 'frontmatter-unknown-key', l10n.t('Frontmatter: dotprompt fills "{0}" itself and replaces what is written here; use a dotted key such as workbench.changelog instead', key), keyRange));
    } else {
      const close = didYouMean(key, [...topKeys, ...workbenchKeys]);
      const hint = close ? l10n.t('did you mean "{0}"?', close) : l10n.t('dotprompt keeps {0} and dotted keys such as workbench.compare', topKeys.join(', '));
      found.push(diagnostic('warning', 'frontmatter-unknown-key', l10n.t('Frontmatter: dotprompt ignores "{0}"; {1}', key, hint), keyRange));
    }
  }
  found.push(...nestedKeyChecks(nodes.entries(['input']), 'input', INPUT_KEYS.map((entry) => entry.name)));
  found.push(...nestedKeyChecks(nodes.entries(['output']), 'output', OUTPUT_KEYS.map((entry) => entry.name)));
  const configKeys = CONFIG_KEYS.map((entry) => entry.name);
  for (const { key, keyRange } of nodes.entries(['config'])) {
    if (configKeys.includes(key)) continue;
    // Other config keys reach the model as model-specific fields (e.g. reasoning_config): only typos are flagged.
    const close = didYouMean(key, configKeys);
    if (close) found.push(diagnostic('warning', 'config-unknown-key', l10n.t('Frontmatter: config.{0} is sent to the model as a model-specific field; did you mean "{1}"?', key, close), keyRange));
  }
  return found;
}

function nestedKeyChecks(entries: YamlEntry[], parent: string, known: string[]): PromptDiagnostic[] {
  return entries
    .filter(({ key }) => !known.includes(key))
    .map(({ key, keyRange }) => diagnostic('warning', 'frontmatter-unknown-key', l10n.t('Frontmatter: dotprompt ignores {0}; it reads {1}{2}', `${parent}.${key}`, known.map((k) => `${parent}.${k}`).join(l10n.t(' and ')), suggestion(key, known)), keyRange));
}

/** The models a config applies to: the prompt's own (or the default) and those it is compared on. */
function targetModels({ parsed }: PromptAnalysis, context: LanguageContext): string[] {
  const compare = parsed.workbench.compare;
  const compared = Array.isArray(compare) ? compare.filter((id): id is string => typeof id === 'string') : typeof compare === 'string' ? [compare] : [];
  const own = parsed.model ?? context.defaultModel;
  return [...new Set([...(own ? [own] : []), ...compared])];
}

function modelChecks({ nodes }: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  if (!nodes) return [];
  const found: PromptDiagnostic[] = [];
  const model = nodes.entries().find((entry) => entry.key === 'model');
  if (model && typeof model.value === 'string' && model.value.trim()) found.push(...checkModelId(model.value, model.valueRange, context));
  for (const item of nodes.items(['workbench.compare'])) {
    if (typeof item.value === 'string' && item.value.trim()) found.push(...checkModelId(item.value, item.range, context));
  }
  return found;
}

function checkModelId(raw: string, range: DiagnosticRange, context: LanguageContext): PromptDiagnostic[] {
  if (raw.startsWith('arn:')) return []; // custom, imported and provisioned models: only Bedrock can tell
  const { provider, qualified } = parseModelId(raw);
  if (context.providers && !context.providers.includes(provider)) {
    const close = didYouMean(provider, context.providers);
    const hint = close ? l10n.t('did you mean "{0}/…"?', close) : l10n.t('write provider/modelId with one of {0}; a bare id means Amazon Bedrock', context.providers.join(', '));
    return [diagnostic('warning', 'model-unknown-provider', l10n.t('Frontmatter: no provider "{0}" is set up for "{1}"; {2}', provider, raw, hint), range)];
  }
  const info = context.catalog.find(raw);
  if (info) {
    if (info.kind === 'embedding') return [diagnostic('warning', 'model-embedding', l10n.t('Frontmatter: {0} is an embedding model; it turns text into vectors and cannot answer a prompt', info.name), range)];
    return [];
  }
  const known = context.catalog.all().filter((entry) => entry.kind === 'text');
  const sameProvider = known.filter((entry) => entry.id.startsWith(`${provider}/`));
  if (sameProvider.length === 0) return []; // e.g. a local OpenAI-compatible server: the catalog cannot know its models
  const bareIds = sameProvider.map((entry) => entry.id);
  const close = bareIds.find((id) => id.startsWith(qualified)) ?? didYouMean(qualified, bareIds);
  const hint = close ? l10n.t(' Did you mean "{0}"?', close) : '';
  return [
    diagnostic(
      'warning',
      'model-unknown',
      l10n.t('Frontmatter: "{0}" is not in the model catalog, so its context window and price are unknown.{1} Custom and imported models are fine: run the prompt to check the id.', raw, hint),
      range,
    ),
  ];
}

/**
 * A model Amazon Bedrock has marked Legacy (in its listing or the built-in table): a warning
 * on the id with its end of life and the model to move to, where known.
 */
function lifecycleChecks({ nodes }: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  if (!nodes) return [];
  const model = nodes.entries().find((entry) => entry.key === 'model');
  const ids = [...(model && typeof model.value === 'string' ? [{ value: model.value, range: model.valueRange }] : []), ...nodes.items(['workbench.compare'])];
  const today = new Date().toISOString().slice(0, 10);
  const found: PromptDiagnostic[] = [];
  for (const { value, range } of ids) {
    if (typeof value !== 'string' || !value.trim()) continue;
    const info = context.catalog.find(value);
    const lifecycle = info?.lifecycle;
    if (!info || lifecycle?.status !== 'LEGACY') continue;
    const end = lifecycle.endOfLife
      ? lifecycle.endOfLife <= today
        ? ` It reached its end of life on ${lifecycle.endOfLife}: calls may fail.`
        : ` Its end of life is ${lifecycle.endOfLife}.`
      : '';
    const successor = lifecycle.successor ? ` Move to ${context.catalog.find(lifecycle.successor)?.name ?? lifecycle.successor} ("${lifecycle.successor}").` : '';
    found.push(diagnostic('warning', 'model-legacy', `Frontmatter: Amazon Bedrock lists ${info.name} as Legacy.${end}${successor}`, range));
  }
  return found;
}

function configChecks(analysis: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  const { nodes } = analysis;
  if (!nodes) return [];
  const found: PromptDiagnostic[] = [];
  const entries = new Map(nodes.entries(['config']).map((entry) => [entry.key, entry]));
  const targets = targetModels(analysis, context);
  const numberAt = (key: string): { value: number; range: DiagnosticRange } | undefined => {
    const entry = entries.get(key);
    return entry && typeof entry.value === 'number' && Number.isFinite(entry.value) ? { value: entry.value, range: entry.valueRange } : undefined;
  };

  const temperature = numberAt('temperature');
  if (temperature) {
    const bedrockTargets = targets.filter((id) => !id.startsWith('arn:') && parseModelId(id).provider === 'bedrock');
    if (temperature.value < 0 || temperature.value > ANY_MAX_TEMPERATURE) {
      found.push(diagnostic('error', 'config-out-of-range', l10n.t('Frontmatter: config.temperature must be from 0 to {0} (up to {1} on OpenAI-compatible servers), found {2}', BEDROCK_MAX_TEMPERATURE, ANY_MAX_TEMPERATURE, temperature.value), temperature.range));
    } else if (temperature.value > BEDROCK_MAX_TEMPERATURE && bedrockTargets.length > 0) {
      found.push(diagnostic('warning', 'config-out-of-range', l10n.t('Frontmatter: Amazon Bedrock models take a temperature from 0 to {0}; {1} will be rejected by {2}', BEDROCK_MAX_TEMPERATURE, temperature.value, bedrockTargets.join(', ')), temperature.range));
    }
  }
  const topP = numberAt('topP');
  if (topP && (topP.value < 0 || topP.value > 1)) {
    found.push(diagnostic('error', 'config-out-of-range', l10n.t('Frontmatter: config.topP must be from 0 to 1, found {0}', topP.value), topP.range));
  }
  const topK = numberAt('topK');
  if (topK && (!Number.isInteger(topK.value) || topK.value < 1)) {
    found.push(diagnostic('error', 'config-out-of-range', l10n.t('Frontmatter: config.{0} must be a whole number of 1 or more, found {1}', 'topK', topK.value), topK.range));
  }
  const maxOutputTokens = numberAt('maxOutputTokens');
  if (maxOutputTokens) {
    if (!Number.isInteger(maxOutputTokens.value) || maxOutputTokens.value < 1) {
      found.push(diagnostic('error', 'config-out-of-range', l10n.t('Frontmatter: config.{0} must be a whole number of 1 or more, found {1}', 'maxOutputTokens', maxOutputTokens.value), maxOutputTokens.range));
    } else {
      for (const id of targets) {
        const info = context.catalog.find(id);
        if (info && info.kind === 'text' && info.maxOutputTokens > 0 && maxOutputTokens.value > info.maxOutputTokens) {
          found.push(
            diagnostic(
              'warning',
              'config-out-of-range',
              l10n.t('Frontmatter: {0} ({1}) writes at most {2} tokens; a maxOutputTokens of {3} will be rejected', info.name, id, info.maxOutputTokens.toLocaleString('en-US'), maxOutputTokens.value.toLocaleString('en-US')),
              maxOutputTokens.range,
            ),
          );
        }
      }
    }
  }
  return found;
}

const TEMPLATE_NAME = /\{\{[{~#^&\s]*(?:@root\.)?([A-Za-z_$][\w$-]*)/g;

function variableChecks(analysis: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  const { parsed, inputs, nodes } = analysis;
  if (!inputs || !parsed.templateParsed) return [];
  const found: PromptDiagnostic[] = [];
  const declared = inputs.inputs.map((input) => input.name);

  if (!inputs.open) {
    const usesByName = new Map<string, typeof parsed.variableUses>();
    // `workbench.rag` hands the template the retrieved chunks as `context`.
    const provided = parsed.workbench.rag ? [RAG_CONTEXT_VARIABLE] : [];
    for (const use of parsed.variableUses) {
      if (declared.includes(use.name) || provided.includes(use.name)) continue;
      usesByName.set(use.name, [...(usesByName.get(use.name) ?? []), use]);
    }
    for (const [name, uses] of usesByName) {
      const close = didYouMean(name, declared);
      const fix = close ? l10n.t('did you mean "{0}"?', close) : l10n.t('add {0}: string to input.schema', name);
      const more = uses.length > MAX_USES_REPORTED ? l10n.t(' (used {0} times)', uses.length) : '';
      for (const use of uses.slice(0, MAX_USES_REPORTED)) {
        found.push(diagnostic('warning', 'input-undeclared', l10n.t('Template: "{0}" is not declared in input.schema, so it renders empty unless a run passes it; {1}{2}', name, fix, more), use.range));
      }
    }
  }

  const used = new Set(parsed.variables);
  // Workbench settings may be templates too (workbench.rag's query: "{{email}}").
  for (const entry of nodes?.entries() ?? []) {
    if (!entry.key.startsWith(WORKBENCH_PREFIX)) continue;
    for (const match of JSON.stringify(entry.value ?? '').matchAll(TEMPLATE_NAME)) used.add(match[1]);
  }
  // A partial reads the same inputs as the prompt that includes it.
  for (const reference of parsed.partials) {
    const file = context.partials ? resolvePartial(reference.name, context.partials.files) : undefined;
    const partialText = file ? context.partials?.texts?.[file] : undefined;
    if (partialText === undefined) continue;
    for (const name of analyzeTemplate(partialText, 0, new LineIndex(partialText)).variables) used.add(name);
  }
  for (const input of inputs.inputs) {
    if (used.has(input.name) || !input.keyRange) continue;
    found.push(diagnostic('warning', 'input-unused', l10n.t('Frontmatter: input "{0}" is declared but the template never uses it; use {1} or remove it', input.name, `{{${input.name}}}`), input.keyRange));
  }
  return found;
}

function partialChecks({ parsed }: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  if (!context.partials || !parsed.templateParsed) return [];
  const found: PromptDiagnostic[] = [];
  for (const reference of parsed.partials) {
    if (resolvePartial(reference.name, context.partials.files)) continue;
    const [underscored, plain] = partialCandidates(reference.name);
    const message = reference.name.split('/').includes('..')
      ? l10n.t("Template: partial {0} points outside this prompt's folder; partials live next to the prompt (_name.prompt)", `{{> ${reference.name}}}`)
      : l10n.t('Template: partial {0} not found; create {1} next to this prompt ({2} works too)', `{{> ${reference.name}}}`, underscored, plain);
    found.push(diagnostic('error', 'partial-not-found', message, reference.range));
  }
  return found;
}

/** `workbench.rag`: known keys, with values of the right type (ragConfig.ts reads the same). */
function ragChecks({ nodes }: PromptAnalysis, _context: LanguageContext): PromptDiagnostic[] {
  const entry = nodes?.entries().find((candidate) => candidate.key === 'workbench.rag');
  if (!entry) return [];
  const { problems } = readRagConfig(entry.value);
  const nested = new Map(nodes!.entries(['workbench.rag']).map((item) => [item.key, item]));
  return problems.map((problem) => {
    const at = problem.key ? nested.get(problem.key) : undefined;
    const unknownKey = at && problem.unknownKey;
    const message = l10n.t('Frontmatter: {0}', `${problem.message}${unknownKey ? suggestion(problem.key!, RAG_CONFIG_KEYS.map((key) => key.name)) : ''}`);
    return diagnostic(unknownKey ? 'warning' : 'error', unknownKey ? 'rag-unknown-key' : 'rag-invalid', message, at ? (unknownKey ? at.keyRange : at.valueRange) : entry.valueRange);
  });
}
