/**
 * Types of a prompt that the extension host and the webviews both use (src/shared/ imports
 * them): plain data, no imports, so that the webview bundle can take them.
 */

/** One field of the inputs form: one per property of `input.schema` (or per template variable without a schema). */
export interface InputField {
  name: string;
  /** `json` for objects, arrays and anything else typed in as JSON; `media` for an image or document file (a workspace path). */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'media';
  description: string | null;
  required: boolean;
  /** Choices, when the schema gives an enum. */
  choices: string[] | null;
  /** `input.default`'s value, as text for the form; null when there is none. */
  defaultText: string | null;
  /** A text area rather than a one-line box: long text is expected (or the default is long). */
  multiline: boolean;
}
