/**
 * What a `.prompt` file may say, with a sentence on each: the frontmatter keys dotprompt
 * keeps, our `workbench.*` keys, the generation config keys, and the template helpers.
 * Completion, hover and the unknown-key check all read these tables.
 */

export interface VocabularyEntry {
  name: string;
  /** One line, shown in completion lists. */
  summary: string;
  /** Markdown, shown in hover and completion details. */
  doc: string;
  /** What completion inserts after the name (a VS Code snippet, `$1` tab stops). */
  snippet?: string;
}

/**
 * dotprompt's reserved frontmatter keys (RESERVED_METADATA_KEYWORDS in dotprompt 1.1):
 * any other key without a dot is dropped when the prompt is parsed. `raw` and `ext` are
 * reserved too, but dotprompt fills them itself and replaces what a file writes there.
 */
export const FRONTMATTER_KEYS: readonly VocabularyEntry[] = [
  { name: 'name', summary: 'The prompt\'s name', doc: 'The prompt\'s name: runs, ratings and saved versions are filed under it. Defaults to the file name.', snippet: 'name: ${1}' },
  { name: 'version', summary: 'Version number (1, 2, 3 …)', doc: 'A whole number, bumped by **Save New Version**. Every run and rating records it with a hash of the file.', snippet: 'version: ${1:1}' },
  { name: 'description', summary: 'What the prompt does', doc: 'One sentence on what the prompt is for.', snippet: 'description: ${1}' },
  { name: 'model', summary: 'Model id (provider/modelId)', doc: 'The model this prompt runs on, as `provider/modelId`; a bare id means Amazon Bedrock (e.g. `bedrock/amazon.nova-lite-v1:0`).', snippet: 'model: ${1}' },
  { name: 'config', summary: 'Generation settings', doc: 'Generation settings sent with every call: `temperature`, `topP`, `topK`, `maxOutputTokens`, `stopSequences`. Other keys travel to the model as model-specific fields.', snippet: 'config:\n  temperature: ${1:0.2}\n  maxOutputTokens: ${2:700}' },
  { name: 'input', summary: 'Input schema and defaults', doc: 'The inputs the template reads: `schema` (Picoschema such as `{email: string, audience?: string}`, or JSON Schema) and `default` values.', snippet: 'input:\n  schema:\n    ${1:text}: ${2:string}\n  default:\n    $3' },
  { name: 'output', summary: 'Output format and schema', doc: 'What the model should answer: `format` (`text` or `json`) and, for JSON, a `schema`.', snippet: 'output:\n  format: ${1|text,json|}' },
  { name: 'tools', summary: 'Names of tools the model may call', doc: 'Names of tools the model may call, each defined under `workbench.tools` or in `.prompt-workbench/tools/<name>.json` (`{description, inputSchema}`). Calls are answered in the Run and Compare panels, or by `.prompt-workbench/tools/<name>.mocks.json`.', snippet: 'tools: [${1}]' },
  { name: 'toolDefs', summary: 'Inline tool definitions', doc: 'Tool definitions written in the prompt itself (name, description, inputSchema).', snippet: 'toolDefs:\n  - name: ${1}\n    description: ${2}' },
  { name: 'variant', summary: 'Variant name', doc: 'A named variant of the same prompt (dotprompt files `name.variant.prompt`).', snippet: 'variant: ${1}' },
];

/** Prompt Workbench's own settings: dotted keys, which dotprompt keeps under `ext.workbench`. */
export const WORKBENCH_KEYS: readonly VocabularyEntry[] = [
  { name: 'workbench.compare', summary: 'Models to compare this prompt on', doc: 'Models that **Compare Models** runs this prompt on next to `model`, as a list of ids.', snippet: 'workbench.compare: [${1}]' },
  { name: 'workbench.changelog', summary: 'What changed in this version', doc: 'A line on what this version changes; shown in the version history.', snippet: 'workbench.changelog: ${1}' },
  { name: 'workbench.parent', summary: 'Version this one was derived from', doc: 'The version this one was saved from (set by **Save New Version**).', snippet: 'workbench.parent: ${1}' },
  { name: 'workbench.created', summary: 'When this version was saved', doc: 'When this version was saved (ISO 8601; set by **Save New Version**).', snippet: 'workbench.created: ${1}' },
  { name: 'workbench.rag', summary: 'Ground the prompt in workspace documents', doc: 'Retrieval from the workspace index before each run: `topK` chunks for `query` (a template, e.g. `"{{email}}"`).', snippet: 'workbench.rag: {topK: ${1:4}, query: "{{${2:question}}}"}' },
  { name: 'workbench.guardrail', summary: 'Amazon Bedrock guardrail', doc: 'An Amazon Bedrock guardrail applied to every call: `{id, version}`.', snippet: 'workbench.guardrail: {id: ${1}, version: "${2:1}"}' },
  { name: 'workbench.rubric', summary: 'Criteria to rate answers on', doc: 'Rating criteria by name, each with a sentence saying what a good answer does.', snippet: 'workbench.rubric:\n  ${1:accuracy}: ${2:Facts match the input}' },
  { name: 'workbench.dataset', summary: 'Dataset of test cases (JSONL or CSV)', doc: 'A JSONL or CSV file of cases (input values, optionally a `reference` answer and `checks`) that **Run Dataset** evaluates this prompt on; relative to the prompt or the workspace.', snippet: 'workbench.dataset: ${1:datasets/cases.jsonl}' },
  { name: 'workbench.cache', summary: 'Bedrock prompt caching', doc: 'Where Amazon Bedrock caches the prompt: `system` (after the system prompt), `tools` (after the tool definitions), `messages` (after the conversation), or a list of them. Put `{{cachePoint}}` in the template for a point of your own. Cached input costs the cache read price.', snippet: 'workbench.cache: ${1|system,tools,messages|}' },
  { name: 'workbench.tools', summary: 'Tool definitions for `tools:`', doc: 'Tools by name, each `{description, inputSchema}` with a JSON Schema of the arguments (an object). `tools:` names which ones the model gets (all of them when it is absent).', snippet: 'workbench.tools:\n  ${1:get_weather}:\n    description: ${2:Current weather in a city}\n    inputSchema: {type: object, properties: {${3:city}: {type: string}}, required: [${3:city}]}' },
  { name: 'workbench.toolChoice', summary: 'auto, any, or a tool name', doc: 'How the model chooses tools: `auto` (it decides), `any` (it must call one), or a tool\'s name (it must call that one).', snippet: 'workbench.toolChoice: ${1|auto,any|}' },
  { name: 'workbench.maxTurns', summary: 'Model turns before a tool conversation stops', doc: 'How many model turns a run may take while answering tool calls (1–50, default 5); past it the run stops with a notice and keeps what it has.', snippet: 'workbench.maxTurns: ${1:5}' },
  { name: 'workbench.checks', summary: 'Automatic checks of every answer', doc: 'Checks applied to every dataset case: `contains`, `notContains`, `regex`, `validJson`, `jsonSchema`, `maxLength` (`chars`/`words`), `latencyMs`, `costUsd`, `similarity` (to the reference), `llmJudge` (`rubric`, `model`).', snippet: 'workbench.checks:\n  - ${1:contains}: ${2:text}' },
];

export const WORKBENCH_PREFIX = 'workbench.';

/** The config keys every provider here understands; others go to the model as they are. */
export const CONFIG_KEYS: readonly VocabularyEntry[] = [
  { name: 'temperature', summary: 'Randomness, 0–1 on Bedrock', doc: 'How random the answer is. 0 is the most deterministic. Amazon Bedrock models take 0–1; OpenAI-compatible servers up to 2.', snippet: 'temperature: ${1:0.2}' },
  { name: 'maxOutputTokens', summary: 'Longest answer, in tokens', doc: 'The longest answer the model may give, in tokens. Each model has its own maximum.', snippet: 'maxOutputTokens: ${1:700}' },
  { name: 'topP', summary: 'Nucleus sampling, 0–1', doc: 'Sample only from the most likely tokens whose probabilities add up to this (0–1).', snippet: 'topP: ${1:0.9}' },
  { name: 'topK', summary: 'Sample from the K likeliest tokens', doc: 'Sample only from the K most likely tokens (a whole number; not every model supports it).', snippet: 'topK: ${1:50}' },
  { name: 'stopSequences', summary: 'Texts that end the answer', doc: 'The answer stops where the model would write one of these texts.', snippet: 'stopSequences: [${1}]' },
];

export const INPUT_KEYS: readonly VocabularyEntry[] = [
  { name: 'schema', summary: 'The inputs and their types', doc: 'Picoschema (`name: string`, `name?: string, a description`) or JSON Schema.', snippet: 'schema:\n  ${1:text}: ${2:string}' },
  { name: 'default', summary: 'Default input values', doc: 'Values used when a run does not give one.', snippet: 'default:\n  ${1}' },
];

export const OUTPUT_KEYS: readonly VocabularyEntry[] = [
  { name: 'format', summary: 'text or json', doc: '`text` (default) or `json`.', snippet: 'format: ${1|text,json|}' },
  { name: 'schema', summary: 'Shape of a JSON answer', doc: 'The shape of a JSON answer, in Picoschema or JSON Schema.', snippet: 'schema:\n  ${1}' },
];

export const PICOSCHEMA_TYPES: readonly VocabularyEntry[] = [
  { name: 'string', summary: 'Text', doc: 'Text.' },
  { name: 'number', summary: 'A number', doc: 'A number.' },
  { name: 'integer', summary: 'A whole number', doc: 'A whole number.' },
  { name: 'boolean', summary: 'true or false', doc: 'true or false.' },
  { name: 'any', summary: 'Any value', doc: 'Any value.' },
  { name: 'media', summary: 'An image or document file', doc: 'A workspace file sent to the model: an image (png, jpeg, gif, webp) or a document (pdf, csv, docx, xlsx, html, txt, md). Use it with `{{media url=name}}`; the run form has a Choose File button.' },
];

export const OUTPUT_FORMATS: readonly VocabularyEntry[] = [
  { name: 'text', summary: 'Plain text answer', doc: 'The model answers in text (default).' },
  { name: 'json', summary: 'JSON answer', doc: 'The model answers in JSON, shaped by `output.schema`.' },
];

export const MESSAGE_ROLES: readonly VocabularyEntry[] = [
  { name: 'system', summary: 'Instructions', doc: 'Instructions that frame the conversation (Bedrock sends them as the system prompt).' },
  { name: 'user', summary: 'The person\'s turn', doc: 'What the person says.' },
  { name: 'model', summary: 'The model\'s turn', doc: 'A turn written as the model (a worked example, or a prefill).' },
  { name: 'tool', summary: 'A tool\'s result', doc: 'The result of a tool call.' },
];

/** Helpers dotprompt registers, plus the Handlebars built-ins it allows (it compiles with `knownHelpersOnly`). */
export const TEMPLATE_HELPERS: readonly (VocabularyEntry & { block: boolean })[] = [
  { name: 'role', block: false, summary: 'Start a message', doc: '`{{role "system"}}` starts a message with that role: `system`, `user`, `model` or `tool`.', snippet: 'role "${1|system,user,model|}"' },
  { name: 'history', block: false, summary: 'Insert the conversation so far', doc: '`{{history}}` inserts the messages of the conversation so far.', snippet: 'history' },
  { name: 'section', block: false, summary: 'Start a named section', doc: '`{{section "name"}}` marks where a named part of the prompt goes.', snippet: 'section "${1}"' },
  { name: 'media', block: false, summary: 'Insert an image or file', doc: '`{{media url=photo}}` inserts media (an image URL or data URL).', snippet: 'media url=${1}' },
  { name: 'cachePoint', block: false, summary: 'Cache everything before this point', doc: '`{{cachePoint}}` places an Amazon Bedrock prompt-cache point: the text before it is cached for five minutes and read back at the cache price. It must follow at least the model\'s minimum (1,024 tokens for most Claude models, 1,000 for Nova).', snippet: 'cachePoint' },
  { name: 'json', block: false, summary: 'Write a value as JSON', doc: '`{{json value}}` writes a value as JSON (`indent=2` to pretty-print).', snippet: 'json ${1}' },
  { name: 'ifEquals', block: true, summary: 'Block if two values are equal', doc: '`{{#ifEquals a b}}…{{/ifEquals}}` renders its body when `a` equals `b`.', snippet: 'ifEquals ${1} ${2}' },
  { name: 'unlessEquals', block: true, summary: 'Block unless two values are equal', doc: '`{{#unlessEquals a b}}…{{/unlessEquals}}` renders its body when `a` differs from `b`.', snippet: 'unlessEquals ${1} ${2}' },
  { name: 'if', block: true, summary: 'Block if a value is truthy', doc: '`{{#if value}}…{{else}}…{{/if}}`: the body when the value is set, not empty and not false.', snippet: 'if ${1}' },
  { name: 'unless', block: true, summary: 'Block if a value is falsy', doc: '`{{#unless value}}…{{/unless}}`: the body when the value is missing, empty or false.', snippet: 'unless ${1}' },
  { name: 'each', block: true, summary: 'Repeat for each item', doc: '`{{#each items}}…{{/each}}`: the body once per item; inside, `this` is the item and `@index` its position.', snippet: 'each ${1}' },
  { name: 'with', block: true, summary: 'Enter a value', doc: '`{{#with value}}…{{/with}}`: inside, names are looked up on that value.', snippet: 'with ${1}' },
  { name: 'lookup', block: false, summary: 'Look a key up dynamically', doc: '`{{lookup object key}}` reads `object[key]`.', snippet: 'lookup ${1} ${2}' },
  { name: 'log', block: false, summary: 'Log a value while rendering', doc: '`{{log value}}` logs a value while rendering; writes nothing.', snippet: 'log ${1}' },
];

export function findEntry(entries: readonly VocabularyEntry[], name: string): VocabularyEntry | undefined {
  return entries.find((entry) => entry.name === name);
}

/** Edit distance (insert, delete, substitute, swap two neighbours), for did-you-mean. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `name` (case-insensitive), if it is close enough to be a typo:
 * at most a third of the longer word's letters differ (and at most 3), so `modle` finds
 * `model` but `foo` finds nothing.
 */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) > 3) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3)));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
