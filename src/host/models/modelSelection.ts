import * as vscode from 'vscode';
import { parseModelId } from '../../core/providers/modelId';

const ACTIVE_KEY = 'promptWorkbench.activeModel';
const SHORTLIST_KEY = 'promptWorkbench.shortlist';
export const MAX_SHORTLIST = 6;

export interface ComparisonModels {
  models: string[];
  /** Where the list came from: the prompt's own `model` + `workbench.compare`, or the picker's shortlist. */
  source: 'prompt' | 'shortlist';
}

/**
 * The active model and the comparison shortlist the user picked, kept per workspace. A
 * prompt's own `model` and `workbench.compare` take precedence over both.
 */
export class ModelSelection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento, private readonly defaultModel: () => string) {}

  get activeModel(): string {
    return this.state.get<string>(ACTIVE_KEY) ?? this.defaultModel();
  }

  get shortlist(): string[] {
    return this.state.get<string[]>(SHORTLIST_KEY) ?? [];
  }

  async setActiveModel(model: string): Promise<void> {
    await this.state.update(ACTIVE_KEY, parseModelId(model).qualified);
    this.changed.fire();
  }

  async setShortlist(models: string[]): Promise<void> {
    const unique = [...new Set(models.map((m) => parseModelId(m).qualified))].slice(0, MAX_SHORTLIST);
    await this.state.update(SHORTLIST_KEY, unique);
    this.changed.fire();
  }

  /** The models a comparison of this prompt runs on. */
  comparisonModels(promptModel: string | undefined, promptCompare: unknown): ComparisonModels {
    const fromPrompt = [promptModel, ...(Array.isArray(promptCompare) ? promptCompare : [])]
      .filter((m): m is string => typeof m === 'string' && m.trim().length > 0)
      .map((m) => parseModelId(m).qualified);
    if (fromPrompt.length > 1) return { models: [...new Set(fromPrompt)].slice(0, MAX_SHORTLIST), source: 'prompt' };
    const shortlist = this.shortlist.length ? this.shortlist : [this.activeModel];
    const models = [...new Set([...fromPrompt, ...shortlist])].slice(0, MAX_SHORTLIST);
    return { models, source: 'shortlist' };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
