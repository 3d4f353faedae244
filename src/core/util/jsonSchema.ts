import Ajv, { type ValidateFunction } from 'ajv';

// One validator for the whole process: compiling a schema is the slow part, so compiled ones are cached by text.
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | string>();

/** A compiled JSON Schema validator, or a sentence saying why the schema is not valid. */
export function schemaValidator(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      validate = `the JSON Schema is not valid: ${(err as Error).message}`;
    }
    compiled.set(key, validate);
  }
  return validate;
}

/** Whether `value` matches `schema`: undefined when it does, else the problems in one sentence. */
export function schemaProblems(schema: Record<string, unknown>, value: unknown): string | undefined {
  const validate = schemaValidator(schema);
  if (typeof validate === 'string') return validate;
  if (validate(value)) return undefined;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`).join('; ');
}
