/**
 * The webviews' strings in VS Code's display language. The host puts the extension's l10n
 * bundle for that language into the page (`<script type="application/json" id="l10n-bundle">`,
 * see src/host/webview/webviewHtml.ts); `@vscode/l10n` then translates every `l10n.t(...)` of the
 * webview code, with English (the message itself) as the fallback. Import this module first.
 *
 * Modules that translate write `import './l10nSetup'; import * as l10n from '@vscode/l10n';`
 * (same instance in the bundle): @vscode/l10n-dev, which exports the strings for translators
 * (scripts/l10n.js), only finds `l10n.t(...)` when `l10n` is imported from `@vscode/l10n`.
 */
import * as l10n from '@vscode/l10n';

function pageBundle(): Record<string, string> {
  const text = document.getElementById('l10n-bundle')?.textContent;
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

l10n.config({ contents: pageBundle() });

export { l10n };
