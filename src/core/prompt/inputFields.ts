import * as l10n from '@vscode/l10n';
import { picoschema } from 'dotprompt';
import type { ParsedPrompt } from './parsePrompt';
import { resolveWorkbenchSchema } from '../media/mediaInputs';
import type { InputField } from './types';

export type { InputField } from './types';

const LONG_TEXT = 80;

interface ObjectSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: unknown;
}

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  format?: string;
}

/** The form's fields for a parsed prompt. Never throws: a schema dotprompt cannot read gives the template's variables. */
export async function describeInputFields(parsed: ParsedPrompt): Promise<InputField[]> {
  let schema: ObjectSchema | null = null;
  if (parsed.inputSchema !== undefined) {
    try {
      schema = (await picoschema(parsed.inputSchema, { schemaResolver: resolveWorkbenchSchema })) as ObjectSchema | null;
    } catch {
      schema = null;
    }
  }
  const defaults = parsed.inputDefaults;
  if (!schema?.properties) {
    // `workbench.rag` fills `context` with retrieved chunks: it is not an input to type in.
    const variables = parsed.workbench.rag ? parsed.variables.filter((name) => name !== 'context') : parsed.variables;
    return variables.map((name) => field(name, {}, defaults[name], defaults[name] === undefined));
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((n): n is string => typeof n === 'string') : []);
  return Object.entries(schema.properties).map(([name, property]) => field(name, property ?? {}, defaults[name], required.has(name)));
}

function field(name: string, property: JsonSchemaProperty, defaultValue: unknown, required: boolean): InputField {
  const types = (Array.isArray(property.type) ? property.type : property.type ? [property.type] : []).filter((t) => t !== 'null');
  const choices = Array.isArray(property.enum) ? property.enum.filter((c) => c !== null).map(String) : null;
  let type: InputField['type'] = 'string';
  if (property.format === 'media') type = 'media';
  else if (types.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(types[0])) type = types[0] as InputField['type'];
  else if (types.length > 0) type = 'json';
  const defaultText = defaultValue === undefined || defaultValue === null ? null : type === 'json' || typeof defaultValue === 'object' ? JSON.stringify(defaultValue) : String(defaultValue);
  // A required text with no default is what the prompt is about (an email, a document): room to paste it.
  const multiline = type === 'json' || (type !== 'media' && (type === 'string' && !choices && (defaultText === null ? required : defaultText.length > LONG_TEXT || defaultText.includes('\n'))));
  return { name, type, description: property.description ?? null, required, choices, defaultText, multiline };
}

/**
 * Turns the form's text values into input values: empty means "not given" (so the default
 * applies), numbers and booleans are converted, JSON fields parsed. `@path` stays as it is
 * (read later by resolveInputFiles). Throws naming the field when a value does not fit.
 */
export function inputValuesFromForm(fields: InputField[], form: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const f of fields) {
    const text = form[f.name];
    if (text === undefined || text === '') continue;
    if (text.startsWith('@') || f.type === 'media') {
      // A media input's value is a workspace path (read as bytes in prepare()), with or without @.
      values[f.name] = f.type === 'media' ? text.replace(/^@/, '').trim() : text;
      continue;
    }
    if (f.type === 'number' || f.type === 'integer') {
      const number = Number(text.trim());
      if (!Number.isFinite(number) || (f.type === 'integer' && !Number.isInteger(number))) throw new Error(f.type === 'integer' ? l10n.t('Input “{0}” must be a whole number, not “{1}”.', f.name, text) : l10n.t('Input “{0}” must be a number, not “{1}”.', f.name, text));
      values[f.name] = number;
    } else if (f.type === 'boolean') {
      values[f.name] = text === 'true';
    } else if (f.type === 'json') {
      try {
        values[f.name] = JSON.parse(text);
      } catch (err) {
        throw new Error(l10n.t('Input “{0}” must be JSON ({1}).', f.name, (err as Error).message));
      }
    } else {
      values[f.name] = text;
    }
  }
  // Values for names the form does not know (a sample set made for an older version) pass through.
  for (const [name, text] of Object.entries(form)) if (!known.has(name) && text !== '') values[name] = text;
  return values;
}

/** Input values as the form shows them. */
export function formTextOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
