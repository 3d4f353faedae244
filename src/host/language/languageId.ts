/**
 * The language id of `.prompt` files. Not `prompt`: VS Code (1.100 and later) already owns
 * that id for its chat prompt files (`*.prompt.md`) and lints their frontmatter against its
 * own keys, which put dozens of false errors on dotprompt files that shared the id.
 */
export const PROMPT_LANGUAGE_ID = 'dotprompt';
