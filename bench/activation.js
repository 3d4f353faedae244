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

const disposable = { dispose() {} };
const event = () => disposable;
class EventEmitter { constructor() { this.event = event; } fire() {} dispose() {} }
class Uri {
  constructor(p) { this.fsPath = p; this.path = p; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static joinPath(u, ...s) { return new Uri(path.join(u.fsPath, ...s)); }
  toString() { return `file://${this.fsPath}`; }
}
const vscodeStub = {
  EventEmitter, Uri,
  Range: class {}, Position: class {}, CodeLens: class {}, Diagnostic: class {},
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ViewColumn: { Beside: -2 },
  l10n: { t: (s) => s },
  env: { language: 'en' },
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, show() {}, dispose() {} }),
    registerWebviewPanelSerializer: () => disposable,
    showErrorMessage: async () => undefined,
  },
  workspace: {
    getConfiguration: () => ({ get: () => undefined }),
    onDidChangeConfiguration: event, onDidOpenTextDocument: event, onDidChangeTextDocument: event, onDidCloseTextDocument: event,
    textDocuments: [],
  },
  languages: { createDiagnosticCollection: () => ({ set() {}, delete() {}, dispose() {} }), registerCodeLensProvider: () => disposable },
  commands: { registerCommand: () => disposable },
};
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};

function context() {
  return {
    subscriptions: [],
    extensionUri: Uri.file(root),
    secrets: { get: async () => undefined, onDidChange: event, store: async () => {}, delete: async () => {} },
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
