// Finding 2 and 5 of issue 13: every file Prompt Workbench writes in a workspace refuses a
// planted symbolic link (and a path outside the folder), and appends repair a torn last line.
// The writers are enumerated here, and a source scan proves there is no other way to write.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelCatalog } from '../../src/core/catalog/modelCatalog';
import { appendDatasetRow } from '../../src/core/datasets/datasetFile';
import { appendDatasetRunManifest, type DatasetRunManifest } from '../../src/core/datasets/datasetRuns';
import { saveSampleSet, samplesPath } from '../../src/core/prompt/samples';
import { ProviderRegistry } from '../../src/core/providers/providerRegistry';
import { appendRetrievalEval, type RetrievalEvalRecord } from '../../src/core/rag/retrievalEvalRecords';
import { WorkspaceIndex } from '../../src/core/rag/workspaceIndex';
import { appendRating } from '../../src/core/ratings/ratingsStore';
import { PromptRunner } from '../../src/core/runs/promptRunner';
import { VersionStore } from '../../src/core/versions/versionStore';
import { appendLines, checkWritable, GuardedPathError, writeFileAtomic } from '../../src/core/workspace/guardedFs';
import { appendJsonLine, readJsonl } from '../../src/core/workspace/jsonl';
import { WorkbenchPaths } from '../../src/core/workspace/paths';
import { promptDocument } from '../../src/core/prompt/promptDocument';
import { BASHRC, hostileWorkspace, type HostileWorkspace } from './hostileWorkspace';

const PROMPT = '---\nname: greet\nversion: 1\nmodel: echo/echo\n---\nSay hello to {{who}}.\n';
const refused = (err: unknown) => err instanceof GuardedPathError && /symbolic link|outside the workspace|not a regular file|not a folder/.test(err.message);

/** Each writer of the project, given a hostile workspace: what it writes, and a call that writes it. */
const WRITERS: { name: string; target: (ws: string) => string; write: (ws: string) => Promise<unknown> }[] = [
  {
    name: 'run records (.prompt-workbench/runs/YYYY-MM.jsonl)',
    target: (ws) => new WorkbenchPaths(ws).runsFile(new Date()),
    write: async (ws) => {
      let recordError: Error | undefined;
      const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: ws, onRecordError: (err) => (recordError = err) });
      const file = path.join(ws, 'greet.prompt');
      fs.writeFileSync(file, PROMPT);
      const prepared = await runner.prepare(promptDocument(PROMPT, file), { who: 'Ada' });
      const outcome = await runner.run(prepared, { signal: new AbortController().signal });
      assert.equal(outcome.recordFile, undefined, 'no record file is reported written');
      if (recordError) throw recordError;
    },
  },
  {
    name: 'ratings (.prompt-workbench/ratings.jsonl)',
    target: (ws) => new WorkbenchPaths(ws).ratingsFile,
    write: (ws) => appendRating(new WorkbenchPaths(ws).ratingsFile, { runId: 'r1', model: 'echo/echo', prompt: { name: 'greet', version: 1 }, criterion: 'overall', kind: 'thumbs', value: 'up' } as never),
  },
  {
    name: 'version snapshots (.prompt-workbench/versions/<prompt>/vN.prompt)',
    target: (ws) => path.join(new WorkbenchPaths(ws).versionsDir('greet'), 'v1.prompt'),
    write: (ws) => new VersionStore(ws).save('greet', 1, PROMPT, 'saved', 'greet.prompt'),
  },
  {
    name: 'the version index (.prompt-workbench/versions/<prompt>/index.jsonl)',
    target: (ws) => path.join(new WorkbenchPaths(ws).versionsDir('greet'), 'index.jsonl'),
    write: (ws) => new VersionStore(ws).save('greet', 1, PROMPT, 'saved', 'greet.prompt'),
  },
  {
    name: 'sample sets (.prompt-workbench/samples/<prompt>.json)',
    target: (ws) => samplesPath(ws, 'greet'),
    write: (ws) => saveSampleSet(samplesPath(ws, 'greet'), 'ada', { who: 'Ada' }),
  },
  {
    name: 'datasets (Add to Dataset, datasets/<name>.jsonl)',
    target: (ws) => path.join(ws, 'datasets', 'greet.jsonl'),
    write: (ws) => appendDatasetRow(path.join(ws, 'datasets', 'greet.jsonl'), { who: 'Ada' }, undefined, ws),
  },
  {
    name: 'dataset runs (.prompt-workbench/dataset-runs.jsonl)',
    target: (ws) => path.join(ws, '.prompt-workbench', 'dataset-runs.jsonl'),
    write: (ws) => appendDatasetRunManifest(ws, { schema: 'prompt-workbench.datasetRun/1', id: 'd1' } as unknown as DatasetRunManifest),
  },
  {
    name: 'retrieval evaluations (.prompt-workbench/retrieval-evals.jsonl)',
    target: (ws) => new WorkbenchPaths(ws).retrievalEvalsFile,
    write: (ws) => appendRetrievalEval(new WorkbenchPaths(ws).retrievalEvalsFile, { schema: 'prompt-workbench.retrievalEval/1' } as unknown as RetrievalEvalRecord),
  },
  {
    name: 'the document index (.prompt-workbench/index/)',
    target: (ws) => path.join(ws, '.prompt-workbench', 'index'),
    write: async (ws) => {
      fs.mkdirSync(path.join(ws, 'docs'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'docs', 'a.md'), '# Refunds\nRefunds take five days.\n');
      await new WorkspaceIndex({ root: ws, settings: { include: ['**/*.md'], exclude: [], maxFileBytes: 100_000, embedder: { kind: 'offline' } } }).update();
    },
  },
  {
    name: 'exports (fine-tuning JSONL, --out FILE)',
    target: (ws) => path.join(ws, 'datasets', 'greet-finetune.jsonl'),
    write: (ws) => writeFileAtomic(path.join(ws, 'datasets', 'greet-finetune.jsonl'), '{}\n', ws),
  },
];

describe('security: every writer refuses a planted symbolic link', () => {
  let h: HostileWorkspace;
  beforeEach(() => (h = hostileWorkspace()));
  afterEach(() => h.cleanup());

  for (const writer of WRITERS) {
    it(`${writer.name}: a link at the file (or its folder) to a file outside is refused and nothing outside changes`, async () => {
      const target = writer.target(h.ws);
      const rel = path.relative(h.ws, target);
      // The file itself a link (to ~/.bashrc; a folder link for the index folder).
      h.plant(rel, rel.endsWith('index') ? h.outside : h.bashrc);
      await assert.rejects(writer.write(h.ws), refused);
      h.outsideUnchanged();
      // `.prompt-workbench` (or the first folder of the path) a link to the outside folder.
      const first = rel.split(path.sep)[0];
      fs.rmSync(path.join(h.ws, first), { recursive: true, force: true });
      h.plant(first, h.outside);
      await assert.rejects(writer.write(h.ws), refused);
      h.outsideUnchanged();
      assert.equal(fs.readFileSync(h.bashrc, 'utf8'), BASHRC);
    });
  }

  it('a write outside the workspace folder is refused with a sentence naming both', async () => {
    await assert.rejects(appendJsonLine(h.bashrc, { x: 1 }, h.ws), (err: Error) => refused(err) && err.message.includes(h.ws) && err.message.includes(h.bashrc));
    await assert.rejects(appendDatasetRow(path.join(h.ws, '..', 'home', 'x.jsonl'), { who: 'a' }, undefined, h.ws), refused);
    await assert.rejects(checkWritable([h.ws, '.prompt-workbench', '..', '..', 'home', 'bashrc'].join(path.sep)), refused);
    h.outsideUnchanged();
  });

  it('a folder or a fifo in the place of a record file is refused, not written into', async () => {
    fs.mkdirSync(path.join(h.ws, '.prompt-workbench', 'ratings.jsonl'), { recursive: true });
    await assert.rejects(appendJsonLine(path.join(h.ws, '.prompt-workbench', 'ratings.jsonl'), { x: 1 }), refused);
  });
});

describe('security: appends repair a torn last line (finding 5)', () => {
  let h: HostileWorkspace;
  beforeEach(() => (h = hostileWorkspace()));
  afterEach(() => h.cleanup());

  for (const [name, file] of [
    ['runs', (ws: string) => new WorkbenchPaths(ws).runsFile(new Date())],
    ['ratings', (ws: string) => new WorkbenchPaths(ws).ratingsFile],
    ['retrieval evaluations', (ws: string) => new WorkbenchPaths(ws).retrievalEvalsFile],
    ['a version index', (ws: string) => path.join(new WorkbenchPaths(ws).versionsDir('greet'), 'index.jsonl')],
  ] as const) {
    it(`${name}: a torn last line stays one bad line and the next record parses`, async () => {
      const target = file(h.ws);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, '{"whole":1}\n{"torn":');
      await appendJsonLine(target, { next: 2 });
      const { records, problems } = await readJsonl(target);
      assert.deepEqual(records, [{ whole: 1 }, { next: 2 }]);
      assert.equal(problems.length, 1);
      assert.equal(problems[0].line, 2);
    });
  }

  it('appendLines writes once per call and never adds a blank line to a whole file', async () => {
    const target = path.join(h.ws, '.prompt-workbench', 'x.jsonl');
    await appendLines(target, '{"a":1}\n');
    await appendLines(target, '{"b":2}\n');
    assert.equal(fs.readFileSync(target, 'utf8'), '{"a":1}\n{"b":2}\n');
  });
});

describe('security: reading our own files never follows a planted link', () => {
  let h: HostileWorkspace;
  beforeEach(() => (h = hostileWorkspace()));
  afterEach(() => h.cleanup());

  it('ratings.jsonl linked to a file outside is reported, its text not read', async () => {
    h.plant(path.join('.prompt-workbench', 'ratings.jsonl'), h.credentials);
    const { records, problems } = await readJsonl(new WorkbenchPaths(h.ws).ratingsFile);
    assert.deepEqual(records, []);
    assert.match(problems[0].message, /symbolic link/);
    assert.doesNotMatch(problems[0].message, /AKIA/);
  });
});

describe('security: no other code writes files (the enumeration above is complete)', () => {
  it('src/ has no direct fs write outside the guarded file layer', () => {
    const root = path.resolve(__dirname, '../../../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith('.ts') && !full.endsWith(path.join('workspace', 'guardedFs.ts'))) {
          fs.readFileSync(full, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/fs\.(promises\.)?(writeFile|appendFile|rename|mkdir|copyFile|symlink|truncate|createWriteStream)(Sync)?\(|fs\.promises\.open\([^)]*['"][aw]/.test(line)) offenders.push(`${path.relative(root, full)}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    walk(root);
    // What stays: writes through VS Code's file API to a file the person picked in a dialog (export, new prompt).
    const allowed = offenders.filter((o) => !/vscode\.workspace\.fs\.writeFile/.test(o));
    assert.deepEqual(allowed, []);
  });
});
