// The document index (RAG) inside a real VS Code: the commands build and search the index of
// the scratch sample workspace with the offline embedder in the real worker thread
// (dist/rag-worker.js); file-system events keep it up to date; a damaged index is noticed and
// rebuilt; and a prompt with `workbench.rag` runs end to end against the local Bedrock
// simulator, with the retrieved chunks in the request and in the run record.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';

interface Hit {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

interface Status {
  exists: boolean;
  files: number;
  chunks: number;
  embedder?: string;
  dims?: number;
  updatedAt?: string;
  bytesOnDisk?: number;
  needsRebuild?: string;
}

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30000) => pollUntil(what, fn, timeoutMs, 200);

describe('Document index (RAG) in the extension host', function () {
  this.timeout(120000);

  let folder: vscode.WorkspaceFolder;
  let probe: vscode.Uri;

  const search = async (query: string): Promise<Hit[]> => {
    const hits = await vscode.commands.executeCommand<Hit[]>(COMMAND.searchDocuments, { query, folder: folder.uri, topK: 10 });
    assert.ok(Array.isArray(hits), `${COMMAND.searchDocuments} with a query resolves with the hits, got ${String(hits)}`);
    return hits;
  };
  const indexFile = (name: string) => path.join(folder.uri.fsPath, '.prompt-workbench', 'index', name);
  const manifestIsValid = () => {
    try {
      JSON.parse(fs.readFileSync(indexFile('manifest.json'), 'utf8'));
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder (the scratch copy of test/fixtures/sample-workspace)');
    folder = f;
    probe = vscode.Uri.joinPath(folder.uri, 'docs', 'rag-probe.md');
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (fs.existsSync(probe.fsPath)) fs.rmSync(probe.fsPath);
  });

  it('builds the index of the sample workspace; Index Status shows its files, chunks and embedder', async () => {
    const stats = await vscode.commands.executeCommand<{ files: number; chunks: number; embedder: string }>(COMMAND.rebuildIndex, folder.uri);
    assert.ok(stats, `${COMMAND.rebuildIndex} resolved with ${String(stats)}`);
    const docs = fs.readdirSync(path.join(folder.uri.fsPath, 'docs')).filter((f) => f.endsWith('.md'));
    assert.ok(stats.files >= docs.length, `at least the ${docs.length} Markdown files of docs/ are indexed (${stats.files})`);
    assert.ok(stats.chunks >= stats.files, `every file gives at least one chunk (${stats.chunks} chunks, ${stats.files} files)`);

    const status = await vscode.commands.executeCommand<Status>(COMMAND.indexStatus, folder.uri);
    assert.ok(status?.exists, 'the index exists');
    assert.strictEqual(status.files, stats.files);
    assert.strictEqual(status.chunks, stats.chunks);
    assert.match(status.embedder ?? '', /^offline/, 'the offline embedder is the default');
    assert.ok((status.dims ?? 0) > 0, `dims ${status.dims}`);
    assert.ok((status.bytesOnDisk ?? 0) > 0, `bytes on disk ${status.bytesOnDisk}`);
    assert.ok(!Number.isNaN(Date.parse(status.updatedAt ?? '')), `updatedAt ${status.updatedAt}`);
    assert.ok(fs.existsSync(indexFile('manifest.json')), 'the index lives in .prompt-workbench/index/');

    const hits = await search('turn off the orders-v2 feature flag to roll back');
    assert.ok(hits.length > 0, 'the search finds something');
    assert.strictEqual(hits[0].path, 'docs/rollback-runbook.md', `best hit: ${hits.map((h) => `${h.path}:${h.startLine}`).join(', ')}`);
    const lines = fs.readFileSync(path.join(folder.uri.fsPath, 'docs', 'rollback-runbook.md'), 'utf8').split('\n');
    assert.ok(hits[0].startLine >= 1 && hits[0].endLine <= lines.length && hits[0].startLine <= hits[0].endLine, 'the hit has the file\'s line range');
  });

  it('indexes a new file, and re-indexes it when it changes', async () => {
    await vscode.workspace.fs.writeFile(probe, Buffer.from('# Probe\n\nThe zephyrquokka protocol rotates the signing keys every 90 days.\n'));
    const created = await poll('the new file in the search results', async () => (await search('zephyrquokka signing keys')).find((h) => h.path === 'docs/rag-probe.md'));
    assert.match(created.text, /zephyrquokka/);

    // Written through the workspace file system, as a save writes it (opening a Markdown editor here would start
    // VS Code's own Markdown extension in this extension host, which has nothing to do with this test).
    await vscode.workspace.fs.writeFile(probe, Buffer.from('# Probe\n\nThe marmotlantern procedure archives audit logs after 400 days.\n'));
    const edited = await poll('the edited text in the search results', async () => (await search('marmotlantern audit logs')).find((h) => h.path === 'docs/rag-probe.md' && h.text.includes('marmotlantern')));
    assert.doesNotMatch(edited.text, /zephyrquokka/);
    const stale = (await search('zephyrquokka')).filter((h) => h.text.includes('zephyrquokka'));
    assert.deepStrictEqual(stale, [], 'the old text is gone from the index');
  });

  it('removes a deleted file from the index', async () => {
    await vscode.workspace.fs.delete(probe);
    await poll('the deleted file to leave the search results', async () => !(await search('marmotlantern audit logs')).some((h) => h.path === 'docs/rag-probe.md'));
    const status = await vscode.commands.executeCommand<Status>(COMMAND.indexStatus, folder.uri);
    const docs = fs.readdirSync(path.join(folder.uri.fsPath, 'docs')).filter((f) => f.endsWith('.md'));
    assert.ok(status && status.files >= docs.length, 'the other files stay');
  });

  it('notices a damaged index file, rebuilds the index, and keeps working', async () => {
    fs.writeFileSync(indexFile('manifest.json'), '{"schema": "prompt-workbench.index/1", "files": {"docs/');
    assert.ok(!manifestIsValid());
    // The worker holds the index in memory: the window sees the damaged file, reopens the index, finds it damaged and rebuilds it.
    await poll('the damaged index to be rebuilt', async () => {
      const hits = await search('turn off the orders-v2 feature flag to roll back');
      return manifestIsValid() && hits.some((h) => h.path === 'docs/rollback-runbook.md');
    });
    const status = await vscode.commands.executeCommand<Status>(COMMAND.indexStatus, folder.uri);
    assert.ok(status?.exists && status.chunks > 0, `the rebuilt index has chunks: ${JSON.stringify(status)}`);
    assert.strictEqual(status.needsRebuild, undefined);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension is still active');
    const commands = await vscode.commands.getCommands(true);
    for (const id of [COMMAND.searchDocuments, COMMAND.rebuildIndex, COMMAND.indexStatus, COMMAND.runPrompt]) assert.ok(commands.includes(id), `${id} is registered`);
  });

  it('Evaluate Retrieval asks the sample questions in three modes, keeps each result, and the Scoreboard lists them', async () => {
    type Evaluation = { mode: string; k: number; questions: number; hitAt1: number; hitAtK: number; mrr: number; embedder: string };
    const evals = await vscode.commands.executeCommand<Evaluation[] | undefined>(COMMAND.evaluateRetrieval, { quiet: true });
    assert.ok(evals, 'the sample workspace has datasets/retrieval-questions.jsonl');
    assert.deepStrictEqual(evals.map((e) => e.mode), ['hybrid', 'vector', 'keyword']);
    const hybrid = evals[0];
    assert.strictEqual(hybrid.questions, 6);
    assert.ok(hybrid.hitAtK >= 0.8, `hybrid finds the answering file in the top ${hybrid.k} for most questions: ${JSON.stringify(hybrid)}`);
    assert.ok(hybrid.mrr > 0 && hybrid.mrr <= 1 && hybrid.hitAt1 <= hybrid.hitAtK);
    const kept = fs.readFileSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'retrieval-evals.jsonl'), 'utf8').trim().split('\n');
    assert.ok(kept.length >= 3, 'three lines were appended');
    const snapshot = await vscode.commands.executeCommand<{ retrieval?: { evals: { mode: string; embedder: string }[]; questionsExist: boolean } }>(COMMAND.openScoreboard);
    assert.ok(snapshot?.retrieval?.questionsExist, 'the scoreboard knows the questions file');
    assert.ok((snapshot.retrieval.evals ?? []).filter((e) => e.embedder === hybrid.embedder).length >= 3, `the scoreboard lists the evaluations: ${JSON.stringify(snapshot.retrieval)}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  describe('a prompt with workbench.rag, run against the local Bedrock simulator', () => {
    let server: BedrockServer;
    let restoreSettings: (() => Promise<void>) | undefined;
    let restoreEnv: (() => void) | undefined;

    before(async () => {
      restoreEnv = useFakeAwsEnv();
      server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
      restoreSettings = await useSimulatorSettings(folder, server.url);
    });

    after(async () => {
      await restoreSettings?.();
      await server?.close();
      restoreEnv?.();
    });

    it('retrieves chunks into the rendered prompt and records them with the run', async () => {
      const promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'docs-qa.prompt');
      assert.ok(fs.existsSync(promptUri.fsPath), `${promptUri.fsPath} exists (the shipped sample)`);
      const question = 'What must we do first to roll back the orders-v2 launch?';
      const outcome = await vscode.commands.executeCommand<{ runId: string; output: string; error?: unknown }>(COMMAND.runPrompt, promptUri, { inputs: { question } });
      assert.ok(outcome && !outcome.error, `the run succeeded: ${JSON.stringify(outcome?.error)}`);

      const runsDir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
      const record = await poll('the run record', () =>
        fs
          .readdirSync(runsDir)
          .flatMap((f) => fs.readFileSync(path.join(runsDir, f), 'utf8').split('\n').filter(Boolean))
          .map((line) => JSON.parse(line) as { id: string; retrieved?: { id: string; path: string; startLine: number; endLine: number; score: number }[] })
          .find((r) => r.id === outcome.runId),
      );
      assert.ok(record.retrieved && record.retrieved.length > 0 && record.retrieved.length <= 4, `retrieved: ${JSON.stringify(record.retrieved)}`);
      for (const chunk of record.retrieved) {
        assert.ok(chunk.id && chunk.path && chunk.startLine >= 1 && chunk.endLine >= chunk.startLine && typeof chunk.score === 'number', JSON.stringify(chunk));
        assert.ok(fs.existsSync(path.join(folder.uri.fsPath, chunk.path)), `${chunk.path} is a workspace file`);
      }
      assert.ok(record.retrieved.some((c) => c.path === 'docs/rollback-runbook.md'), 'the runbook is among the sources');

      // The chunks' text went to the model, under their path and lines.
      const request = [...server.requests].reverse().find((r) => r.method === 'POST' && /\/converse(-stream)?$/.test(r.path));
      assert.ok(request, 'the simulator received the Converse request');
      const body = JSON.stringify(request.body);
      const hits = await search(question);
      const sent = hits.filter((h) => record.retrieved!.some((c) => c.id === h.id));
      assert.ok(sent.length > 0, 'the recorded chunks are found again by the same query');
      for (const hit of sent) {
        assert.ok(body.includes(JSON.stringify(hit.text).slice(1, -1)), `the request holds the text of ${hit.id}`);
        assert.ok(body.includes(`${hit.path}:${hit.endLine > hit.startLine ? `${hit.startLine}-${hit.endLine}` : hit.startLine}`), `the request cites ${hit.path} with its lines`);
      }
      assert.ok(body.includes(question), 'the question itself is in the request');
    });
  });
});
