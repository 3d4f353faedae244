import * as path from 'node:path';
import { openDocumentAt } from '../rag/openSource';
import * as vscode from 'vscode';
import type { PreparedThread } from '../../core/email/emailSummary';
import type { RagHit } from '../../core/rag/types';
import type { RunOutcome } from '../../core/runs/promptRunner';
import { emptyEmailState, restoredEmailState, type EmailPanelState, type EmailPanelToHost, type EmailSource } from '../../shared/emailPanelProtocol';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { readEmailSettings } from '../settings';
import { EMAIL_PANEL_VIEW_TYPE, EmailPanel } from './emailPanel';

/** What the command takes from tests and other commands; a person gets the sources in order (selection, editor, clipboard, paste box). */
export interface SummarizeEmailOptions {
  source?: EmailSource;
  /** For `paste` and `clipboard`: the text itself (otherwise the clipboard is read). */
  text?: string;
  /** For `editor`: the file (otherwise the active editor). */
  uri?: vscode.Uri;
}

/** What was sent and shown, for whoever summarized: the mapping is never part of it. */
interface LastRun {
  folder?: vscode.WorkspaceFolder;
  promptUri: vscode.Uri;
  inputs: Record<string, unknown>;
  outcome: RunOutcome;
  prompt: { name: string; version: number; contentHash: string };
  hits: RagHit[];
  /** Restores the masked details for display (closes over the mapping, kept in memory only). */
  restore: (text: string) => string;
}

/**
 * Summarize Email: takes a thread from the selection, the open .eml/.txt, the clipboard or the
 * panel's paste box; parses and cleans it, masks personal details (the mapping stays here, in
 * memory), finds related workspace documents, runs the email-summary prompt, and shows the
 * answer with the details restored. Compare and rating work on the recorded run.
 */
export class SummarizeEmailController implements vscode.Disposable {
  private panel: EmailPanel | undefined;
  private last: LastRun | undefined;
  private running: AbortController | undefined;

  constructor(private readonly services: WorkbenchServices, private readonly extensionUri: vscode.Uri) {}

  /** Runs the command; resolves with the panel's state once the summary is shown (or why it is not). */
  async summarize(options: SummarizeEmailOptions = {}): Promise<EmailPanelState> {
    const input = await this.pickInput(options);
    if (!input) {
      this.showPanel({ status: 'idle', progress: vscode.l10n.t('Paste an email thread below, then choose Summarize.') });
      return this.panel!.current;
    }
    return this.run(input);
  }

  private async pickInput(options: SummarizeEmailOptions): Promise<EmailInputSource | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (options.source === 'paste') return options.text !== undefined ? { source: 'paste', label: vscode.l10n.t('pasted text'), content: options.text } : undefined;
    if (options.source === 'clipboard') return { source: 'clipboard', label: vscode.l10n.t('the clipboard'), content: options.text ?? (await vscode.env.clipboard.readText()) };
    if (options.source === 'editor' || options.uri) {
      const uri = options.uri ?? editor?.document.uri;
      return uri ? this.fileInput(uri) : undefined;
    }
    if (options.source === 'selection' || !options.source) {
      if (editor && !editor.selection.isEmpty) {
        return { source: 'selection', label: vscode.l10n.t('the selection in {0}', path.basename(editor.document.fileName)), content: editor.document.getText(editor.selection), folder: vscode.workspace.getWorkspaceFolder(editor.document.uri) };
      }
      if (options.source === 'selection') return undefined;
    }
    if (editor && /\.(eml|txt)$/i.test(editor.document.fileName)) return this.fileInput(editor.document.uri);
    // In a browser (code-server, vscode.dev) reading the clipboard asks for a permission and may
    // never answer: there the paste box is the way in. On the desktop a slow clipboard is not waited for.
    if (vscode.env.uiKind === vscode.UIKind.Web) return undefined;
    const clipboard = ((await Promise.race([vscode.env.clipboard.readText(), new Promise<string>((r) => setTimeout(() => r(''), 1500))])) ?? '').trim();
    if (clipboard.length > 40) {
      const use = vscode.l10n.t('Summarize the Clipboard');
      const paste = vscode.l10n.t('Paste Instead');
      const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Summarize the text on the clipboard ({0} characters)?', clipboard.length), use, paste);
      if (answer === use) return { source: 'clipboard', label: vscode.l10n.t('the clipboard'), content: clipboard };
    }
    return undefined;
  }

  private async fileInput(uri: vscode.Uri): Promise<EmailInputSource> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // A saved .eml goes to the MIME parser as bytes (each part names its own charset); an edited one as its text.
    const content = open && open.isDirty ? open.getText() : await vscode.workspace.fs.readFile(uri);
    return { source: 'editor', label: path.basename(uri.fsPath), content, fileName: uri.fsPath, folder: vscode.workspace.getWorkspaceFolder(uri) };
  }

  /**
   * A panel VS Code brings back after a window reload (the serializer), with what the webview
   * saved: the summary, its facts and sources, the paste box. The masked inputs and the mapping
   * were in memory only: Compare and rating ask for a new summary.
   */
  restore(webviewPanel: vscode.WebviewPanel, saved: unknown): void {
    this.panel?.dispose();
    const state = restoredEmailState(saved, vscode.l10n.t('The window was reloaded while summarizing: choose Summarize again.'));
    this.adopt(new EmailPanel(webviewPanel, this.extensionUri, state));
  }

  private adopt(panel: EmailPanel): EmailPanel {
    this.panel = panel;
    panel.onMessage((m) => void this.onPanelMessage(m));
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.last = undefined;
    });
    return panel;
  }

  private showPanel(patch: Partial<EmailPanelState>): EmailPanel {
    if (!this.panel) return this.adopt(EmailPanel.create(this.extensionUri, { ...emptyEmailState(), ...patch }));
    this.panel.update(patch);
    this.panel.reveal();
    return this.panel;
  }

  private async run(input: EmailInputSource): Promise<EmailPanelState> {
    this.running?.abort();
    const abort = (this.running = new AbortController());
    this.last = undefined;
    // Text that came from a person (selection, clipboard, paste) goes into the paste box, so an error loses none of it.
    const pasteText = typeof input.content === 'string' && input.source !== 'editor' ? input.content : this.panel?.current.pasteText ?? '';
    const panel = this.showPanel({ ...emptyEmailState(), status: 'working', progress: vscode.l10n.t('Reading {0}…', input.label), source: input.source, sourceLabel: input.label, pasteText });
    const fail = (message: string) => {
      panel.update({ status: 'failed', progress: null, error: message });
      return panel.current;
    };
    try {
      const engine = await loadEngine();
      const parsed = await engine.parseEmail({ content: input.content, fileName: input.fileName });
      if (!parsed.ok) return fail(parsed.error.message);
      const folder = input.folder ?? vscode.workspace.workspaceFolders?.[0];
      const settings = readEmailSettings(folder?.uri);
      const prepared = engine.prepareThread(parsed.thread, { maskPii: settings.maskPii, maskNames: settings.maskNames });
      const byKind: Record<string, number> = {};
      for (const r of prepared.redactions) byKind[engine.piiKindName(r.kind)] = (byKind[engine.piiKindName(r.kind)] ?? 0) + 1;
      panel.update({
        messages: parsed.thread.messages.length,
        tokens: parsed.thread.tokens,
        redactions: { distinct: prepared.redactions.length, occurrences: prepared.occurrences, byKind },
        masked: settings.maskPii,
        warnings: parsed.thread.warnings,
        progress: vscode.l10n.t('Looking for related documents…'),
      });
      const hits = folder ? await this.relatedDocuments(folder, prepared) : [];
      const promptUri = this.promptUri(settings.prompt, folder);
      let source: string;
      try {
        source = new TextDecoder().decode(await vscode.workspace.fs.readFile(promptUri));
      } catch {
        return fail(vscode.l10n.t('The email prompt {0} cannot be read. Fix the setting promptWorkbench.email.prompt, or clear it to use the built-in prompt.', promptUri.fsPath));
      }
      const runner = await this.services.runnerFor(folder?.uri.fsPath);
      const inputs = engine.emailPromptInputs(prepared, hits);
      const rendered = await runner.prepare(engine.promptDocument(source, promptUri.fsPath), inputs, { retrieved: engine.retrievedRefs(hits) });
      const model = rendered.model;
      panel.update({ promptName: rendered.name, promptVersion: rendered.version, model, progress: vscode.l10n.t('Summarizing with {0}…', model) });
      this.services.log.info(`Summarize Email: ${parsed.thread.messages.length} messages, ${parsed.thread.tokens.saved} tokens saved, ${prepared.redactions.length} values masked, ${hits.length} related chunks → ${model}`);
      const outcome = await runner.run(rendered, { signal: abort.signal });
      if (abort.signal.aborted) return panel.current;
      // Restored for display only: the record and the model saw placeholders.
      const mapping = prepared.mapping();
      const output = engine.unmask(outcome.output, mapping);
      const structured = engine.parseStructuredSummary(outcome.output);
      const restore = (t: string) => engine.unmask(t, mapping);
      this.last = { folder, promptUri, inputs, outcome, prompt: outcome.prompt, hits, restore };
      panel.update({
        status: outcome.error ? 'failed' : 'done',
        progress: null,
        runId: outcome.runId,
        output,
        structured: structured
          ? {
              tldr: restore(structured.tldr),
              decisions: structured.decisions.map(restore),
              actionItems: structured.actionItems.map((a) => ({ task: restore(a.task), owner: restore(a.owner), due: restore(a.due) })),
              openQuestions: structured.openQuestions.map(restore),
            }
          : null,
        guardrail: outcome.guardrail ? { id: outcome.guardrail.id, intervened: outcome.guardrail.intervened, stage: outcome.guardrail.stage, reasons: outcome.guardrail.reasons } : null,
        related: hits.map((h) => ({ path: h.path, startLine: h.startLine, endLine: h.endLine, heading: h.heading ?? null, score: h.score })),
        error: outcome.error?.message ?? null,
      });
      return panel.current;
    } catch (err) {
      this.services.log.error(`Summarize Email failed: ${(err as Error)?.stack ?? err}`);
      return fail(vscode.l10n.t('The summary could not be made: {0}', (err as Error)?.message ?? String(err)));
    }
  }

  private async relatedDocuments(folder: vscode.WorkspaceFolder, prepared: PreparedThread): Promise<RagHit[]> {
    if (!prepared.terms.length) return [];
    try {
      return await this.services.documents.search(folder, { text: prepared.terms.join(' '), topK: 4, maxPerFile: 1 });
    } catch (err) {
      // No index, or no documents: the summary is still worth having.
      this.services.log.warn(`Summarize Email: related documents could not be searched: ${(err as Error).message}`);
      return [];
    }
  }

  private promptUri(setting: string | undefined, folder: vscode.WorkspaceFolder | undefined): vscode.Uri {
    if (!setting) return vscode.Uri.joinPath(this.extensionUri, 'prompts', 'email-summary.prompt');
    if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
    return folder ? vscode.Uri.joinPath(folder.uri, setting) : vscode.Uri.file(path.resolve(setting));
  }

  private async onPanelMessage(message: EmailPanelToHost): Promise<void> {
    switch (message.type) {
      case 'summarize':
        await this.run({ source: 'paste', label: vscode.l10n.t('pasted text'), content: message.text });
        return;
      case 'compare':
        if (!this.last) {
          void this.afterReload();
          return;
        }
        // The Compare panel renders the same prompt with the same (masked) inputs; it shows the
        // answers with the details restored, as this panel does (display only).
        await vscode.commands.executeCommand(COMMAND.compareModels, this.last.promptUri, { inputs: this.last.inputs, display: this.last.restore });
        return;
      case 'openDocument': {
        const hit = this.last?.hits[message.index];
        if (!hit || !this.last?.folder) return;
        // The same containment check as every other source link: a path outside the folder is not opened.
        await openDocumentAt(this.last.folder.uri, hit.path, hit.startLine, hit.endLine);
        return;
      }
      case 'rate':
        await this.rate(message);
        return;
    }
  }

  /** A panel brought back after a reload has no masked inputs or mapping any more (never kept on disk). */
  private async afterReload(): Promise<void> {
    void vscode.window.showInformationMessage(vscode.l10n.t('This summary was shown before the window was reloaded; its masked inputs were kept in memory only. Choose Summarize again to compare or rate it.'));
  }

  private async rate(message: Extract<EmailPanelToHost, { type: 'rate' }>): Promise<void> {
    if (!this.last && this.panel?.current.runId) return this.afterReload();
    const last = this.last;
    if (!last?.folder || !this.panel) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Ratings are kept in a workspace folder: open one to rate summaries.'));
      return;
    }
    // The one rating service: a new rating of the same kind supersedes the previous one, as everywhere else.
    const run = { runId: last.outcome.runId, model: last.outcome.model, prompt: last.prompt };
    const input = message.kind === 'thumbs' ? { kind: 'thumbs' as const, value: message.value } : { kind: 'stars' as const, criterion: 'overall', value: message.value };
    await this.services.ratings.service.rate(last.folder.uri.fsPath, run, input);
    const current = this.panel.current.rating;
    this.panel.update({ rating: message.kind === 'thumbs' ? { ...current, thumbs: message.value } : { ...current, stars: message.value } });
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
  }
}

interface EmailInputSource {
  source: EmailSource;
  label: string;
  content: string | Uint8Array;
  fileName?: string;
  folder?: vscode.WorkspaceFolder;
}

export function registerEmailFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const controller = new SummarizeEmailController(services, context.extensionUri);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(COMMAND.summarizeEmail, (arg?: unknown) => controller.summarize(summarizeOptions(arg))),
    // After a window reload the panel comes back with what its webview saved.
    vscode.window.registerWebviewPanelSerializer(EMAIL_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => controller.restore(panel, state),
    }),
  );
}

/** Menus pass a Uri (an .eml in the explorer); tests and other commands pass options. */
function summarizeOptions(arg: unknown): SummarizeEmailOptions {
  if (arg instanceof vscode.Uri) return { source: 'editor', uri: arg };
  if (!arg || typeof arg !== 'object') return {};
  const { source, text, uri } = arg as SummarizeEmailOptions;
  return {
    source: source && ['selection', 'editor', 'clipboard', 'paste'].includes(source) ? source : undefined,
    text: typeof text === 'string' ? text : undefined,
    uri: uri instanceof vscode.Uri ? uri : typeof uri === 'string' ? vscode.Uri.file(uri) : undefined,
  };
}
