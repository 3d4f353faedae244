/**
 * A `.prompt` file as a Bedrock Prompt Management prompt (one variant). Bedrock's templates
 * substitute `{{variable}}` and nothing else, so the template is read as Handlebars' own AST:
 * text, `{{name}}` and `{{role "…"}}` map one to one; partials are inlined (their own AST, so
 * their logic is checked too); every other construct (conditionals, loops, helpers, paths
 * such as `a.b`, `history`, `media`) is refused with the file and line that uses it, because a
 * publish that silently dropped it would answer differently from the file.
 */
import * as l10n from '@vscode/l10n';
import type HandlebarsModule from 'handlebars';
import * as path from 'node:path';
import { parsePromptSource } from '../prompt/parsePrompt';
import { toConverseInput } from '../providers/bedrock';
import { parseModelId } from '../providers/modelId';
import type { GenerationConfig } from '../providers/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Handlebars = require('handlebars/dist/cjs/handlebars.js') as typeof HandlebarsModule;

/** A construct Bedrock's template language cannot express, and where it is. */
export interface PublishRefusal {
  /** The file (the prompt or one of its partials), as given. */
  file: string;
  /** 1-based line in that file. */
  line: number;
  message: string;
}

export class PublishRefusedError extends Error {
  override readonly name = 'PublishRefusedError';
  constructor(readonly refusals: PublishRefusal[]) {
    const first = refusals[0];
    super(
      l10n.t(
        '{0} line {1}: {2} This prompt cannot be published to Bedrock Prompt Management as it is ({3} problem(s)); Bedrock templates substitute {4} only.',
        path.basename(first.file),
        first.line,
        first.message,
        refusals.length,
        '{{variable}}',
      ),
    );
  }
}

/** The parts of a Bedrock prompt variant this mapping fills (assignable to the SDK's `PromptVariant`). */
export interface BedrockPromptVariant {
  name: string;
  templateType: 'TEXT' | 'CHAT';
  templateConfiguration:
    | { text: { text: string; inputVariables: { name: string }[] } }
    | {
        chat: {
          messages: { role: 'user' | 'assistant'; content: { text: string }[] }[];
          system: { text: string }[];
          inputVariables: { name: string }[];
        };
      };
  modelId: string;
  inferenceConfiguration?: { text: { temperature?: number; topP?: number; maxTokens?: number; stopSequences?: string[] } };
  additionalModelRequestFields?: Record<string, unknown>;
  metadata: { key: string; value: string }[];
}

export interface BedrockPromptDefinition {
  /** Bedrock prompt names allow `([0-9a-zA-Z][_-]?){1,100}`. */
  name: string;
  description?: string;
  defaultVariant: string;
  variants: [BedrockPromptVariant];
  /** The input variables, in order of first use. */
  inputVariables: string[];
  /** The prompt's input defaults (Bedrock has none: Verify passes them as variables). */
  inputDefaults: Record<string, unknown>;
}

export interface MappingSource {
  text: string;
  /** The `.prompt` file (partials are found beside it). */
  file: string;
  /** `provider/id` of the release. */
  model: string;
  config: GenerationConfig;
  /** Reads a partial's text by name (`_name.prompt` beside the file); undefined when missing. */
  readPartial(name: string): string | undefined | Promise<string | undefined>;
  /** Kept in the variant's metadata, so a published prompt says where it came from. */
  metadata?: Record<string, string>;
}

export const VARIANT_NAME = 'workbench';

/** Bedrock's name rule; other characters become `-`. */
export function bedrockPromptName(name: string): string {
  const cleaned = name.replace(/[^0-9a-zA-Z_-]+/g, '-').replace(/([_-])[_-]+/g, '$1').replace(/^[_-]+/, '');
  return (cleaned || 'prompt').slice(0, 100);
}

type Segment = { role: string } | { text: string } | { variable: string };

/** Maps a prompt to one Bedrock variant, or throws PublishRefusedError listing every construct that cannot be published. */
export async function toBedrockPrompt(source: MappingSource): Promise<BedrockPromptDefinition> {
  const parsed = parsePromptSource(source.text, { path: source.file });
  if (!parsed.ok) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    throw new PublishRefusedError([{ file: source.file, line: (first?.range.startLine ?? 0) + 1, message: first?.message ?? l10n.t('the file does not parse.') }]);
  }
  const refusals: PublishRefusal[] = [];
  const segments: Segment[] = [];
  const { provider, modelId } = parseModelId(source.model);
  if (provider !== 'bedrock') {
    refusals.push({ file: source.file, line: 1, message: l10n.t('{0} is not an Amazon Bedrock model; Bedrock Prompt Management stores Bedrock model ids only.', source.model) });
  }
  await walkTemplate(parsed.template, parsed.templateStartLine, source.file, source, segments, refusals, []);
  if (refusals.length) throw new PublishRefusedError(refusals);

  // Messages as dotprompt renders them: text before any role is the user's.
  const messages: { role: string; text: string }[] = [];
  let current = { role: 'user', text: '' };
  const variables: string[] = [];
  for (const s of segments) {
    if ('role' in s) {
      messages.push(current);
      current = { role: s.role, text: '' };
    } else if ('text' in s) current.text += s.text;
    else {
      current.text += `{{${s.variable}}}`;
      if (!variables.includes(s.variable)) variables.push(s.variable);
    }
  }
  messages.push(current);
  const kept = messages.map((m) => ({ role: m.role, text: m.text.trim() })).filter((m) => m.text);
  const system = kept.filter((m) => m.role === 'system').map((m) => ({ text: m.text }));
  const chat: { role: 'user' | 'assistant'; content: { text: string }[] }[] = [];
  for (const m of kept.filter((k) => k.role !== 'system')) {
    const role = m.role === 'model' ? 'assistant' : 'user';
    const previous = chat[chat.length - 1];
    if (previous?.role === role) previous.content.push({ text: m.text });
    else chat.push({ role, content: [{ text: m.text }] });
  }
  const inputVariables = variables.map((name) => ({ name }));
  const templateConfiguration: BedrockPromptVariant['templateConfiguration'] =
    system.length === 0 && chat.length === 1 && chat[0].role === 'user' && chat[0].content.length === 1
      ? { text: { text: chat[0].content[0].text, inputVariables } }
      : { chat: { messages: chat, system, inputVariables } };

  // The same mapping of config to Converse fields as a run (providers/bedrock.ts).
  const converse = toConverseInput({ modelId, messages: [], config: source.config });
  const variant: BedrockPromptVariant = {
    name: VARIANT_NAME,
    templateType: 'text' in templateConfiguration ? 'TEXT' : 'CHAT',
    templateConfiguration,
    modelId,
    metadata: Object.entries(source.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  if (converse.inferenceConfig) variant.inferenceConfiguration = { text: { ...converse.inferenceConfig } };
  if (converse.additionalModelRequestFields) variant.additionalModelRequestFields = converse.additionalModelRequestFields as Record<string, unknown>;
  const description = typeof parsed.frontmatter.description === 'string' ? parsed.frontmatter.description.slice(0, 200) : undefined;
  return {
    name: bedrockPromptName(parsed.name ?? path.basename(source.file, '.prompt')),
    ...(description ? { description } : {}),
    defaultVariant: VARIANT_NAME,
    variants: [variant],
    inputVariables: variables,
    inputDefaults: parsed.inputDefaults,
  };
}

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

async function walkTemplate(template: string, startLine: number, file: string, source: MappingSource, out: Segment[], refusals: PublishRefusal[], stack: string[]): Promise<void> {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(template);
  } catch (err) {
    refusals.push({ file, line: startLine + 1, message: (err as Error).message.split('\n')[0] });
    return;
  }
  const lineOf = (node: Node) => startLine + (node.loc?.start.line ?? 1);
  const refuse = (node: Node, message: string) => refusals.push({ file, line: lineOf(node), message });
  for (const node of program.body as Node[]) {
    switch (node.type) {
      case 'ContentStatement':
        out.push({ text: (node as hbs.AST.ContentStatement).value });
        break;
      case 'CommentStatement':
        break;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        const p = m.path as hbs.AST.PathExpression;
        const name = p.type === 'PathExpression' ? p.original : String((m.path as unknown as { original: unknown }).original);
        if (name === 'role' && m.params.length === 1 && m.params[0].type === 'StringLiteral') {
          const role = (m.params[0] as hbs.AST.StringLiteral).value;
          if (role === 'system' || role === 'user' || role === 'model') out.push({ role });
          else refuse(node, l10n.t('the role “{0}” has no place in a Bedrock chat prompt (system, user and model only).', role));
        } else if (p.type === 'PathExpression' && !p.data && p.depth === 0 && p.parts.length === 1 && !m.params.length && !m.hash && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          if (['history', 'media', 'section', 'json', 'role'].includes(name)) refuse(node, l10n.t('the dotprompt helper {0} has no equivalent in Bedrock templates.', `{{${name}}}`));
          else out.push({ variable: name });
        } else if (m.params.length || m.hash) {
          refuse(node, l10n.t('the helper call {0} cannot be expressed in Bedrock templates.', `{{${name} …}}`));
        } else {
          refuse(node, l10n.t('{0} is not a plain variable name; Bedrock substitutes {1} only.', `{{${name}}}`, '{{name}}'));
        }
        break;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original ?? 'block';
        refuse(node, l10n.t('the block {0} (conditional or loop logic) cannot be expressed in Bedrock templates; publish a version without it.', `{{#${name}}}`));
        break;
      }
      case 'PartialStatement': {
        const ps = node as hbs.AST.PartialStatement;
        const name = ps.name.type === 'PathExpression' ? (ps.name as hbs.AST.PathExpression).original : String((ps.name as unknown as { original: unknown }).original);
        if (ps.params.length || ps.hash) {
          refuse(node, l10n.t('the partial {0} is called with arguments, which cannot be inlined.', `{{> ${name}}}`));
          break;
        }
        if (stack.includes(name)) {
          refuse(node, l10n.t('the partial {0} includes itself.', name));
          break;
        }
        const text = await source.readPartial(name);
        if (text === undefined) {
          refuse(node, l10n.t('the partial {0} was not found beside the prompt (_{0}.prompt).', name));
          break;
        }
        const partial = parsePromptSource(text);
        const partialFile = path.join(path.dirname(file), `_${name}.prompt`);
        await walkTemplate(partial.template, partial.templateStartLine, partialFile, source, out, refusals, [...stack, name]);
        break;
      }
      default:
        refuse(node, l10n.t('this template construct ({0}) cannot be expressed in Bedrock templates.', node.type));
    }
  }
}
