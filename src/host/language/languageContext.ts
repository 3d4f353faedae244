import * as vscode from 'vscode';
import type { LanguageContext, PartialFiles } from '../../core/prompt/language/languageService';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';

/** Folders below a prompt's own that `{{> folder/name}}` may reach, and files read per prompt. */
const PARTIAL_FOLDER_DEPTH = 2;
const MAX_PARTIALS_READ = 20;
const MAX_PARTIAL_CHARS = 250_000;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.prompt-workbench']);
const PARTIAL_REFERENCE = /\{\{~?\s*>\s*([\w./-]+)/g;

/**
 * What the language features know beyond a document's text: the catalog and providers from
 * the services, and the `.prompt` files next to the document (listed once per folder until a
 * `.prompt` file is created or deleted; partials the prompt includes are read each time, from
 * the open editor when there is one, so that an unsaved partial counts).
 */
export class PromptLanguageContexts implements vscode.Disposable {
  private readonly listings = new Map<string, Promise<string[]>>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.prompt', false, true, false);
  private readonly filesChanged = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[];
  /** A `.prompt` file was created or deleted: partials may have appeared or gone. */
  readonly onDidChangePromptFiles = this.filesChanged.event;

  constructor(private readonly services: WorkbenchServices) {
    const forget = () => {
      this.listings.clear();
      this.filesChanged.fire();
    };
    this.disposables = [this.watcher, this.filesChanged, this.watcher.onDidCreate(forget), this.watcher.onDidDelete(forget)];
  }

  /** The context without files: for completion and hover, which must answer at once. */
  base(): LanguageContext {
    return {
      catalog: this.services.catalog,
      providers: this.services.providers.known(),
      defaultModel: this.services.selection.activeModel,
    };
  }

  /**
   * The context with the partial files around the document (none for untitled documents);
   * `readPartials` also reads the included partials' texts, which only the diagnostics need.
   */
  async forDocument(document: vscode.TextDocument, { readPartials = true } = {}): Promise<LanguageContext> {
    const base = this.base();
    if (document.isUntitled) return base;
    const context = { ...base, ...(await this.toolFiles(document)) };
    const folder = vscode.Uri.joinPath(document.uri, '..');
    try {
      const files = await this.listPromptFiles(folder);
      const partials: PartialFiles = { files, texts: readPartials ? await this.readReferencedPartials(document.getText(), folder, files) : undefined };
      return { ...context, partials, fileName: document.uri.path.slice(folder.path.length + 1) };
    } catch (error) {
      // A folder that cannot be listed (a virtual file system, no permission): skip the partial checks.
      this.services.log.debug(`Could not list the .prompt files next to ${document.uri.toString()}: ${(error as Error).message}`);
      return context;
    }
  }

  /** The tools defined in the document's workspace folder (`.prompt-workbench/tools/<name>.json`). */
  private async toolFiles(document: vscode.TextDocument): Promise<{ toolFiles?: string[] }> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return {};
    try {
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder.uri, '.prompt-workbench', 'tools'));
      return { toolFiles: entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json') && !name.endsWith('.mocks.json')).map(([name]) => name.slice(0, -'.json'.length)) };
    } catch {
      return { toolFiles: [] }; // no tools folder: no tool is defined there
    }
  }

  private listPromptFiles(folder: vscode.Uri): Promise<string[]> {
    const key = folder.toString();
    let listing = this.listings.get(key);
    if (!listing) {
      listing = listFiles(folder, '', PARTIAL_FOLDER_DEPTH);
      listing.catch(() => this.listings.delete(key));
      this.listings.set(key, listing);
    }
    return listing;
  }

  private async readReferencedPartials(text: string, folder: vscode.Uri, files: string[]): Promise<Record<string, string>> {
    const { resolvePartial } = (await loadEngine()).promptLanguage;
    const names = new Set([...text.matchAll(PARTIAL_REFERENCE)].map((match) => match[1]));
    const texts: Record<string, string> = {};
    for (const name of [...names].slice(0, MAX_PARTIALS_READ)) {
      const file = resolvePartial(name, files);
      if (!file) continue;
      const uri = vscode.Uri.joinPath(folder, ...file.split('/'));
      const open = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
      try {
        const partialText = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        if (partialText.length <= MAX_PARTIAL_CHARS) texts[file] = partialText;
      } catch {
        // Deleted since the listing: the diagnostics will say it is missing on the next pass.
      }
    }
    return texts;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

async function listFiles(folder: vscode.Uri, prefix: string, depth: number): Promise<string[]> {
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const files: string[] = [];
  for (const [name, type] of entries) {
    if (type === vscode.FileType.File && name.endsWith('.prompt')) files.push(prefix + name);
    else if (type === vscode.FileType.Directory && depth > 0 && !SKIPPED_FOLDERS.has(name)) {
      files.push(...(await listFiles(vscode.Uri.joinPath(folder, name), `${prefix}${name}/`, depth - 1).catch(() => [])));
    }
  }
  return files;
}
