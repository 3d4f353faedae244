import type { DiagnosticRange } from '../promptDiagnostics';
import type { FrontmatterNodes } from './frontmatterYaml';

/** One input that `input.schema` declares, as a person reads it. */
export interface DeclaredInput {
  name: string;
  optional: boolean;
  /** `string`, `number`, `array of string`, `enum: a | b`, `object` … */
  type: string;
  description?: string;
  hasDefault: boolean;
  defaultValue?: unknown;
  /** Where the schema names it (the key in Picoschema, the property in JSON Schema). */
  keyRange?: DiagnosticRange;
}

export interface DeclaredInputs {
  inputs: DeclaredInput[];
  /**
   * True when the schema lets through names it does not list (a `(*)` wildcard, a named
   * schema, `additionalProperties`): then "used but not declared" cannot be told.
   */
  open: boolean;
}

const JSON_SCHEMA_TYPES = ['any', 'boolean', 'integer', 'null', 'number', 'string', 'object', 'array'];

/**
 * Reads the top level of `input.schema` the way dotprompt's Picoschema parser does (JSON
 * Schema when it has a `type` or `properties`), without resolving named schemas.
 * Returns undefined when the prompt has no schema.
 */
export function readDeclaredInputs(schema: unknown, defaults: Record<string, unknown>, nodes: FrontmatterNodes | undefined): DeclaredInputs | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (typeof schema !== 'object' || Array.isArray(schema)) return { inputs: [], open: true };
  const record = schema as Record<string, unknown>;
  const isJsonSchema = JSON_SCHEMA_TYPES.includes(String(record.type)) || isRecord(record.properties);
  const withDefault = (input: Omit<DeclaredInput, 'hasDefault' | 'defaultValue'>): DeclaredInput => ({
    ...input,
    hasDefault: Object.prototype.hasOwnProperty.call(defaults, input.name),
    defaultValue: defaults[input.name],
  });

  if (isJsonSchema) {
    const properties = isRecord(record.properties) ? record.properties : {};
    const required = Array.isArray(record.required) ? record.required.map(String) : [];
    const keyRanges = new Map((nodes?.entries(['input', 'schema', 'properties']) ?? []).map((entry) => [entry.key, entry.keyRange]));
    const inputs = Object.entries(properties).map(([name, property]) => {
      const described = isRecord(property) ? property : {};
      const type = Array.isArray(described.type) ? described.type.join(' | ') : typeof described.type === 'string' ? described.type : 'any';
      const description = typeof described.description === 'string' ? described.description : undefined;
      return withDefault({ name, optional: !required.includes(name), type, description, keyRange: keyRanges.get(name) });
    });
    const open = record.type !== 'object' && !isRecord(record.properties) ? true : record.additionalProperties !== undefined && record.additionalProperties !== false;
    return { inputs, open };
  }

  const keyRanges = new Map((nodes?.entries(['input', 'schema']) ?? []).map((entry) => [entry.key, entry.keyRange]));
  const inputs: DeclaredInput[] = [];
  let open = false;
  for (const [key, value] of Object.entries(record)) {
    if (key === '(*)') {
      open = true;
      continue;
    }
    const [rawName, typeInfo] = splitOnce(key, '(');
    const optional = rawName.endsWith('?');
    const name = (optional ? rawName.slice(0, -1) : rawName).trim();
    let type: string;
    let description: string | undefined;
    if (typeInfo !== undefined) {
      const [kind, keyDescription] = splitDescription(typeInfo.replace(/\)\s*$/, ''));
      description = keyDescription;
      if (kind === 'array') type = `array of ${typeof value === 'string' ? splitDescription(value)[0] : 'object'}`;
      else if (kind === 'enum') type = Array.isArray(value) ? `enum: ${value.map(String).join(' | ')}` : 'enum';
      else type = kind;
    } else if (typeof value === 'string') {
      [type, description] = splitDescription(value);
    } else {
      type = isRecord(value) ? 'object' : 'any';
    }
    inputs.push(withDefault({ name, optional, type, description, keyRange: keyRanges.get(key) }));
  }
  return { inputs, open };
}

/** Picoschema's `type, description` (split at the first comma, as dotprompt does). */
function splitDescription(text: string): [string, string | undefined] {
  const comma = text.indexOf(',');
  if (comma < 0) return [text.trim(), undefined];
  return [text.slice(0, comma).trim(), text.slice(comma + 1).trim() || undefined];
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
