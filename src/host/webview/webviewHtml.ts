import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The page shell every panel uses: a strict CSP (nothing but our own styles and nonce'd
 * scripts; images only from the extension or data: URLs, so model output cannot load
 * remote content), the panel's body, and its bundled script.
 */
export function webviewHtml(options: {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  title: string;
  script: string;
  styles: string[];
  body: string;
}): string {
  const { webview, extensionUri } = options;
  const nonce = createNonce();
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const styles = options.styles.map((s) => `<link rel="stylesheet" href="${asset('media', s)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escapeHtml(options.title)}</title>
</head>
<body>
${options.body}
  <script type="application/json" id="l10n-bundle">${l10nBundleJson()}</script>
  <script nonce="${nonce}" src="${asset('dist', 'webview', options.script)}"></script>
</body>
</html>`;
}

/**
 * The extension's strings in the display language (VS Code loaded l10n/bundle.l10n.<lang>.json),
 * for the webview's `@vscode/l10n`; `{}` in English. As JSON that cannot close the script element.
 */
function l10nBundleJson(): string {
  return JSON.stringify(vscode.l10n.bundle ?? {}).replace(/</g, '\\u003c');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
