import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EmbedderConfig } from '../../core/rag/types';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { readSettings, SETTINGS_SECTION } from '../settings';
import { DocumentIndex } from './ragAccess';
import type { RagController, RagEmbedderState } from './ragController';
import { embedderConfig, embedderLabel } from './ragSettings';

const INDEX_DIR = ['.prompt-workbench', 'index'];

/**
 * The document index for activate() to hand out: its controller (worker, watchers, status bar)
 * lives in dist/engine.js and is created on first use, with the services it reads settings,
 * keys and the log from (called only then, so the services may be built after this).
 */
export function createDocumentIndex(context: vscode.ExtensionContext, services: () => WorkbenchServices): DocumentIndex {
  const embedder: RagEmbedderState = { applied: embedderConfig(readSettings()) };
  return new DocumentIndex(embedder, (embedder) =>
    loadEngine().then(({ RagController }) => {
      const instance = new RagController(services(), context.asAbsolutePath(path.join('dist', 'rag-worker.js')), embedder);
      context.subscriptions.push(instance);
      return instance;
    }),
  );
}

/** The document index's commands and hooks. Only wiring happens here: the command implementations load on first use. */
export function registerRagFeatures(context: vscode.ExtensionContext, services: WorkbenchServices, index: DocumentIndex): void {
  const controller = () => index.controller();
  const commands = async () => (await loadEngine()).ragCommands;

  const register = (id: string, handler: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  register(COMMAND.searchDocuments, async (args?: Parameters<Awaited<ReturnType<typeof commands>>['searchDocuments']>[1]) => {
    const [c, m] = await Promise.all([controller(), commands()]);
    return m.searchDocuments(c, args && typeof args === 'object' && 'query' in args ? args : undefined);
  });
  register(COMMAND.rebuildIndex, async (uri?: vscode.Uri) => {
    const [c, m] = await Promise.all([controller(), commands()]);
    return m.rebuildIndex(c, uri instanceof vscode.Uri ? uri : undefined);
  });
  register(COMMAND.indexStatus, async (uri?: vscode.Uri) => {
    const [c, m] = await Promise.all([controller(), commands()]);
    return m.indexStatus(c, uri instanceof vscode.Uri ? uri : undefined);
  });

  register(COMMAND.evaluateRetrieval, async (args?: Parameters<Awaited<ReturnType<typeof commands>>['evaluateRetrieval']>[1]) => {
    const [c, m] = await Promise.all([controller(), commands()]);
    return m.evaluateRetrieval(c, args && typeof args === 'object' ? args : {});
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      const affected = ['rag', 'bedrock'].some((s) => e.affectsConfiguration(`${SETTINGS_SECTION}.${s}`)) || e.affectsConfiguration('files.exclude');
      if (affected) void onSettingsChanged(index, controller).catch((err: Error) => services.log.error(`Document index settings: ${err.message}`));
    }),
  );
}

/** The parts of an embedder that decide its vectors (a new region or profile does not change them). */
function vectorsOf(config: EmbedderConfig): string {
  if (config.kind === 'bedrock') return `bedrock:${config.modelId}@${config.dimensions ?? ''}`;
  if (config.kind === 'openai') return `openai:${config.baseUrl.replace(/\/+$/, '')}#${config.model}`;
  return 'offline';
}

/** A changed embedder asks "Rebuild the index with X?" where an index exists; other changes apply at once. */
async function onSettingsChanged(index: DocumentIndex, controller: () => Promise<RagController>): Promise<void> {
  const created = index.existing;
  const embedder = index.embedder;
  const settings = readSettings();
  const wanted = embedderConfig(settings);
  if (vectorsOf(wanted) === vectorsOf(embedder.applied)) {
    embedder.applied = wanted;
    if (created) await (await created).reconfigure();
    return;
  }
  const indexed = (vscode.workspace.workspaceFolders ?? []).filter((folder) => fs.existsSync(path.join(folder.uri.fsPath, ...INDEX_DIR)));
  if (!indexed.length) {
    embedder.applied = wanted;
    if (created) await (await created).reconfigure();
    return;
  }
  const rebuild = vscode.l10n.t('Rebuild');
  const notNow = vscode.l10n.t('Not now');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Rebuild the document index with {0}? The index built with the previous embedder is searched until then.', embedderLabel(settings.rag)),
    rebuild,
    notNow,
  );
  if (choice !== rebuild) return;
  const [c, m] = await Promise.all([controller(), loadEngine().then((engine) => engine.ragCommands)]);
  for (const folder of indexed) await m.rebuildIndex(c, folder.uri);
}
