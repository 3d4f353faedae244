import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/**
 * Messages written by core code (src/core, e.g. Bedrock's error sentences) go through
 * `@vscode/l10n`, which knows nothing of VS Code: hand it the display language's bundle that
 * VS Code loaded for the extension. Each bundle (dist/extension.js, dist/engine.js) carries its
 * own copy of `@vscode/l10n`, so each calls this once when it loads. Without a bundle (English,
 * the CLI) core messages stay as written.
 */
export function configureCoreL10n(): void {
  const bundle = vscode.l10n.bundle;
  if (bundle) l10n.config({ contents: bundle });
}
