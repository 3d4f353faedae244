import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatMessage } from '../../core/providers/types';
import type { HostToPreview, PreviewMessage, PreviewState, PreviewToHost } from '../../shared/previewProtocol';
import type { WorkbenchServices } from '../services';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

export const PREVIEW_PANEL_VIEW_TYPE = 'promptWorkbench.preview';
const DEBOUNCE_MS = 250;

/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `
<header>
  <div class="title-row">
    <h1 id="title"></h1>
    <span id="hash"></span>
  </div>
  <dl id="facts">
    <dt>${escapeHtml(vscode.l10n.t('Model'))}</dt><dd id="model"></dd>
    <dt>${escapeHtml(vscode.l10n.t('Config'))}</dt><dd id="config"></dd>
    <dt>${escapeHtml(vscode.l10n.t('Inputs'))}</dt><dd><span id="inputs-from"></span>
      <label class="set-picker">${escapeHtml(vscode.l10n.t('sample set'))} <select id="sample-set"></select></label></dd>
  </dl>
  <p id="missing" role="status" hidden></p>
  <p id="error" role="alert" hidden></p>
</header>
<main id="messages" aria-live="polite"></main>`;
}

/**
 * Shows what a prompt would send (messages by role, the system prompt, model and config) with
 * its current inputs, and follows the file as it is edited (debounced) and the sample set
 * picked for it. One panel per prompt file.
 */
export class PreviewPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PreviewPanel>();

  constructor(private readonly services: WorkbenchServices, private readonly extensionUri: vscode.Uri) {}

  /** Opens (or reveals) the preview of a prompt; resolves with what it shows once that is rendered. */
  async show(uri: vscode.Uri): Promise<PreviewState> {
    const key = uri.toString();
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
    } else {
      panel = new PreviewPanel(uri, this.services, this.extensionUri);
      this.panels.set(key, panel);
      panel.onDidDispose(() => this.panels.delete(key));
    }
    return panel.settled();
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class PreviewPanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToPreview, PreviewToHost>;
  private state: PreviewState;
  private timer: NodeJS.Timeout | undefined;
  /** The render in flight (or the last one), so that callers can wait for what is shown to be current. */
  private rendering: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly uri: vscode.Uri, private readonly services: WorkbenchServices, extensionUri: vscode.Uri) {
    const name = path.basename(uri.path, '.prompt');
    this.state = emptyState(name);
    const panel = PanelShell.open(extensionUri, { viewType: PREVIEW_PANEL_VIEW_TYPE, title: vscode.l10n.t('Preview: {0}', name) });
    this.shell = new PanelShell(panel, extensionUri, { script: 'preview.js', styles: ['preview.css'], body: body() }, {
      sync: () => this.post(),
      receive: (message) => {
        if (message.type === 'selectSet') void this.services.inputs.select(this.uri, message.name);
      },
    });
    this.shell.track(
      {
        dispose: () => {
          clearTimeout(this.timer);
          this.timer = undefined;
        },
      },
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === this.uri.toString() && event.contentChanges.length > 0) this.schedule();
      }),
      services.inputs.onDidChange((changed) => {
        if (changed.toString() === this.uri.toString()) this.schedule(0);
      }),
    );
    this.schedule(0);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  reveal(): void {
    this.shell.reveal();
  }

  /** What the panel shows once the pending render (if any) is done. */
  async settled(): Promise<PreviewState> {
    for (;;) {
      const generation = this.generation;
      await this.rendering;
      if (this.timer === undefined && generation === this.generation) return this.state;
      await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
    }
  }

  private schedule(delay = DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const generation = ++this.generation;
      this.rendering = this.render(generation).catch((err: Error) => this.services.log.error(`Preview of ${this.uri.fsPath}: ${err.stack ?? err.message}`));
    }, delay);
  }

  private async render(generation: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.uri);
    const runner = await this.services.runnerFor(vscode.workspace.getWorkspaceFolder(this.uri)?.uri.fsPath);
    const prepared = await this.services.inputs.prepare(document);
    const form = prepared.form;
    const inputsFrom = form.selectedSet
      ? vscode.l10n.t('sample set “{0}”, then input.default', form.selectedSet)
      : vscode.l10n.t('input.default (no sample set picked)');
    let next: PreviewState;
    try {
      const rendered = await runner.prepare(prepared.prompt, prepared.values ?? {});
      next = {
        promptName: rendered.name,
        promptVersion: rendered.version,
        contentHash: rendered.contentHash,
        model: rendered.model,
        config: { ...rendered.config },
        messages: rendered.messages.map(describeMessage),
        missingInputs: rendered.missingInputs,
        inputsFrom,
        sampleSets: form.sampleSets,
        selectedSet: form.selectedSet,
        error: null,
        inputsProblem: form.problem,
        updatedAt: Date.now(),
      };
    } catch (err) {
      // A prompt that cannot render keeps its last messages on screen, under the error.
      next = { ...this.state, inputsFrom, sampleSets: form.sampleSets, selectedSet: form.selectedSet, error: (err as Error).message, inputsProblem: form.problem, updatedAt: Date.now() };
    }
    if (generation !== this.generation) return; // a newer render is on its way
    this.state = next;
    this.shell.title = vscode.l10n.t('Preview: {0}', next.promptName);
    this.post();
  }

  private post(): void {
    this.shell.post({ type: 'snapshot', state: this.state });
  }

  dispose(): void {
    this.shell.dispose();
  }
}

function emptyState(name: string): PreviewState {
  return {
    promptName: name,
    promptVersion: null,
    contentHash: null,
    model: null,
    config: {},
    messages: [],
    missingInputs: [],
    inputsFrom: '',
    sampleSets: [],
    selectedSet: null,
    error: null,
    inputsProblem: null,
    updatedAt: Date.now(),
  };
}

function describeMessage(message: ChatMessage): PreviewMessage {
  return {
    role: message.role,
    parts: message.content.map((part) => {
      const p = part as { text?: unknown; media?: { url?: string; contentType?: string } };
      if (typeof p.text === 'string') return { kind: 'text' as const, text: p.text };
      if (p.media) return { kind: 'media' as const, text: `${p.media.url ?? ''}${p.media.contentType ? ` (${p.media.contentType})` : ''}` };
      return { kind: 'other' as const, text: JSON.stringify(part) };
    }),
  };
}
