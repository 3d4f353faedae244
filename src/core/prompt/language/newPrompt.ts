/** Names `Prompt Workbench: New Prompt` accepts: they become the file name and the prompt's `name`. */
export const PROMPT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/i;

/** Why a name cannot be used, in a sentence; undefined when it can. */
export function checkPromptName(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'Type a name, e.g. ticket-triage';
  if (trimmed.length > 80) return 'Keep the name under 80 characters';
  if (!PROMPT_NAME_PATTERN.test(trimmed)) return 'Use letters, digits, - and _ only (it becomes prompts/<name>.prompt), e.g. ticket-triage';
  return undefined;
}

/**
 * The text of a new prompt: a working example of every part (frontmatter with a model, config
 * and an input schema, a system and a user message) that parses without a problem and runs.
 */
export function newPromptSource(name: string, model: string): string {
  return [
    '---',
    `name: ${name}`,
    'version: 1',
    'description: Say what this prompt is for in one sentence',
    `model: ${model}`,
    'config:',
    '  temperature: 0.2',
    '  maxOutputTokens: 700',
    'input:',
    '  schema:',
    '    text: string, the text to work on',
    '    audience?: string, who reads the answer',
    '  default:',
    '    audience: engineer',
    'output:',
    '  format: text',
    'workbench.changelog: First version',
    '---',
    '{{role "system"}}',
    'You are a careful assistant writing for a busy {{audience}}.',
    'Answer in short Markdown bullets. Use only facts stated in the text.',
    '',
    '{{role "user"}}',
    '{{text}}',
    '',
  ].join('\n');
}
