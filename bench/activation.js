// Activation cost and bundle size. Loads the built extension (dist/extension.js) in plain Node
// with a minimal stand-in for the `vscode` module, times require + activate(), and lists what
// activation loaded: the AWS SDK (dist/vendor/*) must not be among it.
// Usage: npm run build -- --production && node bench/activation.js [--runs 20]
// (The real figure inside VS Code is logged by the extension: "Activated in N ms".)
const Module = require('module');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;

// A stand-in that answers any API the extension touches at activation: every property is a
// function/constructor returning another such object, so new features need no edits here.
function anything(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'dispose') return () => {};
      if (key === 'event') return () => anything(`${name}.event()`);
      return anything(`${name}.${String(key)}`);
    },
    set: () => true,
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}
class Uri {
  constructor(p) { this.fsPath = p; this.path = p; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static joinPath(u, ...s) { return new Uri(path.join(u.fsPath, ...s)); }
  toString() { return `file://${this.fsPath}`; }
}
const event = () => ({ dispose() {} });
const activationErrors = [];
const logChannel = new Proxy({ error: (...a) => activationErrors.push(a.map(String).join(' ')) }, {
  get: (t, k) => (k in t ? t[k] : () => {}),
});
// esbuild's interop copies the module's own keys, so name every export the extension may use.
const EXPORTS = ['CodeAction', 'CodeActionKind', 'CodeLens', 'CompletionItem', 'CompletionItemKind', 'CompletionList',
  'ConfigurationTarget', 'Diagnostic', 'DiagnosticSeverity', 'Disposable', 'DocumentLink', 'DocumentSymbol',
  'EventEmitter', 'FileType', 'Hover', 'Location', 'MarkdownString', 'Position', 'ProgressLocation',
  'QuickPickItemKind', 'Range', 'RelativePattern', 'Selection', 'SnippetString', 'StatusBarAlignment', 'SymbolKind',
  'TextEdit', 'ThemeColor', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'ViewColumn', 'WorkspaceEdit',
  'commands', 'extensions', 'languages', 'tasks', 'debug', 'authentication', 'chat', 'lm', 'scm', 'tests'];
const vscodeStub = new Proxy(
  {
    ...Object.fromEntries(EXPORTS.map((k) => [k, anything(k)])),
    Uri,
    l10n: { t: (s) => s },
    env: { language: 'en' },
    window: new Proxy({
      createOutputChannel: () => logChannel,
      showErrorMessage: async (...a) => void activationErrors.push(a.map(String).join(' ')),
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    }, {
      get: (t, k) => (k in t ? t[k] : anything(`window.${String(k)}`)),
    }),
    workspace: new Proxy({ getConfiguration: () => ({ get: () => undefined }), textDocuments: [], workspaceFolders: [] }, {
      get: (t, k) => (k in t ? t[k] : anything(`workspace.${String(k)}`)),
    }),
  },
  { get: (t, k) => (k in t ? t[k] : anything(String(k))) },
);
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};

function context() {
  return {
    subscriptions: [],
    extensionUri: Uri.file(root),
    secrets: { get: async () => undefined, onDidChange: event, store: async () => {}, delete: async () => {} },
    workspaceState: { get: () => undefined, update: async () => {}, keys: () => [] },
    globalState: { get: () => undefined, update: async () => {}, keys: () => [], setKeysForSync() {} },
    globalStorageUri: Uri.file('/tmp/pw-bench-global'),
    storageUri: Uri.file('/tmp/pw-bench-ws'),
  };
}

const entry = path.join(root, 'dist', 'extension.js');
if (!fs.existsSync(entry)) {
  console.error('Build first: npm run build');
  process.exit(1);
}
const before = new Set(Object.keys(require.cache));
const t0 = process.hrtime.bigint();
const ext = require(entry);
const t1 = process.hrtime.bigint();
const api = ext.activate(context());
const t2 = process.hrtime.bigint();
const loaded = Object.keys(require.cache).filter((f) => !before.has(f)).map((f) => path.relative(root, f));

const again = [];
for (let i = 0; i < runs; i++) {
  const s = process.hrtime.bigint();
  ext.activate(context());
  again.push(Number(process.hrtime.bigint() - s) / 1e6);
}
again.sort((a, b) => a - b);
const sizes = fs.readdirSync(path.join(root, 'dist'), { recursive: true })
  .filter((f) => f.endsWith('.js'))
  .map((f) => [f, fs.statSync(path.join(root, 'dist', f)).size]);
if (activationErrors.length) {
  console.error('activate() reported errors (the figures below are not valid):\n' + activationErrors.join('\n'));
  process.exitCode = 1;
}
const result = {
  requireMs: Number(t1 - t0) / 1e6,
  firstActivateMs: Number(t2 - t1) / 1e6,
  activationMsReported: api.activationMs,
  warmActivateMedianMs: again[Math.floor(again.length / 2)],
  modulesLoadedByActivation: loaded,
  awsSdkLoaded: loaded.some((f) => f.includes('vendor') || f.includes('@aws-sdk')),
  bundleBytes: Object.fromEntries(sizes),
};
console.log(JSON.stringify(result, null, 2));
