import * as path from 'node:path';

/** Where Prompt Workbench keeps its plain files inside a workspace folder. */
export class WorkbenchPaths {
  readonly root: string;

  constructor(readonly workspaceFolder: string) {
    this.root = path.join(workspaceFolder, '.prompt-workbench');
  }

  /** `runs/YYYY-MM.jsonl`, by the UTC month of the run. */
  runsFile(at: Date): string {
    const month = at.toISOString().slice(0, 7);
    return path.join(this.root, 'runs', `${month}.jsonl`);
  }

  get runsDir(): string {
    return path.join(this.root, 'runs');
  }

  get ratingsFile(): string {
    return path.join(this.root, 'ratings.jsonl');
  }

  /** One line per retrieval evaluation (hit@k, MRR per embedder and mode): the scoreboard's retrieval table. */
  get retrievalEvalsFile(): string {
    return path.join(this.root, 'retrieval-evals.jsonl');
  }

  /** Approved releases and their later states (core/releases/releaseRecord.ts). */
  get releasesFile(): string {
    return path.join(this.root, 'releases.jsonl');
  }

  /** Bedrock batch inference jobs started from this workspace. */
  get batchJobsFile(): string {
    return path.join(this.root, 'batch-jobs.jsonl');
  }

  /** Caches that can be rebuilt (the response cache, the scoreboard aggregate); git-ignored. */
  get cacheDir(): string {
    return path.join(this.root, 'cache');
  }

  versionsDir(promptName: string): string {
    return path.join(this.root, 'versions', promptName);
  }

  /** A path relative to the workspace folder, with forward slashes, for records. */
  relative(file: string): string {
    return path.relative(this.workspaceFolder, file).split(path.sep).join('/');
  }
}
