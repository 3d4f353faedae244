import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { applyEdits, BumpError, versionBumpEdits } from '../../../src/core/versions/bumpVersion';
import { PromptUsageIndex } from '../../../src/core/versions/promptUsage';
import { findEditedWithoutBump, listPromptHistories, previousVersionOf, saveNewVersion } from '../../../src/core/versions/promptVersions';
import { SnapshotConflictError, VersionStore, versionFolderName, writeExclusive } from '../../../src/core/versions/versionStore';
import { appendJsonLine } from '../../../src/core/workspace/jsonl';

const PROMPT_V3 = `---
name: email-summary
# the version is bumped by Save New Version
version: 3   # keep this comment
description: Summarize an email thread
model: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0
config: {temperature: 0.2, maxOutputTokens: 700}
input:
  schema: {email: string, audience?: string}
  default: {audience: engineer}
workbench.changelog: |
  Ask for owners
  and due dates
workbench.compare: [bedrock/amazon.nova-lite-v1:0]
---
{{role "system"}}You summarize email threads for a busy {{audience}}.
{{role "user"}}{{email}}
`;

function bump(source: string, version: number, parent: number, changelog: string): string {
  return applyEdits(source, versionBumpEdits(source, { version, parent, changelog }));
}

function runLine(name: string, version: number, hash: string, id = `r_${Math.random()}`) {
  return { schema: 'prompt-workbench.run/1', id, ts: new Date().toISOString(), prompt: { name, version, contentHash: hash, path: null }, model: 'echo/echo', output: '' };
}

function ratingLine(name: string, version: number, hash: string, value: number, extra: Record<string, unknown> = {}) {
  return { schema: 'prompt-workbench.rating/1', id: `g_${Math.random()}`, prompt: { name, version, contentHash: hash }, kind: 'stars', criterion: 'overall', value, supersedes: null, ...extra };
}

describe('versions: bumping the frontmatter', () => {
  it('changes only the version value, the parent and the changelog, keeping comments and every other byte', () => {
    const out = bump(PROMPT_V3, 4, 3, 'Shorter action items');
    const expected = PROMPT_V3.replace('version: 3   # keep this comment', 'version: 4   # keep this comment')
      .replace('workbench.changelog: |\n  Ask for owners\n  and due dates\n', 'workbench.changelog: Shorter action items\n')
      .replace('workbench.compare: [bedrock/amazon.nova-lite-v1:0]\n', 'workbench.compare: [bedrock/amazon.nova-lite-v1:0]\nworkbench.parent: 3\n');
    assert.equal(out, expected);
    const parsed = parsePromptSource(out);
    assert.equal(parsed.ok, true);
    assert.equal(parsed.version, 4);
    assert.equal(parsed.workbench.parent, 3);
    assert.equal(parsed.workbench.changelog, 'Shorter action items');
  });

  it('replaces existing parent and changelog values in place', () => {
    const source = '---\nname: a\nversion: 2\nworkbench.parent: 1\nworkbench.changelog: "old: text"\nmodel: echo/echo\n---\nHi\n';
    assert.equal(bump(source, 3, 2, 'new'), '---\nname: a\nversion: 3\nworkbench.parent: 2\nworkbench.changelog: new\nmodel: echo/echo\n---\nHi\n');
  });

  it('adds version after name when the file has none, and quotes a changelog YAML would misread', () => {
    const source = '---\nname: a\nmodel: echo/echo\n---\nHi {{x}}\n';
    const out = bump(source, 2, 1, 'key: value # not a comment');
    assert.equal(out, '---\nname: a\nversion: 2\nmodel: echo/echo\nworkbench.parent: 1\nworkbench.changelog: "key: value # not a comment"\n---\nHi {{x}}\n');
    assert.equal(parsePromptSource(out).workbench.changelog, 'key: value # not a comment');
  });

  it('keeps CRLF line endings and a file without frontmatter gets one', () => {
    const crlf = '---\r\nname: a\r\nversion: 1\r\n---\r\nHi\r\n';
    assert.equal(bump(crlf, 2, 1, 'x'), '---\r\nname: a\r\nversion: 2\r\nworkbench.parent: 1\r\nworkbench.changelog: x\r\n---\r\nHi\r\n');
    const bare = 'Hello {{name}}\n';
    const out = bump(bare, 2, 1, 'first saved');
    assert.equal(out, '---\nversion: 2\nworkbench.parent: 1\nworkbench.changelog: first saved\n---\nHello {{name}}\n');
    assert.equal(parsePromptSource(out).template, bare);
  });

  it('folds a multi-line changelog into one line and refuses an empty one', () => {
    assert.match(bump('---\nversion: 1\n---\nx\n', 2, 1, 'one\ntwo\n'), /workbench\.changelog: one two\n/);
    assert.throws(() => versionBumpEdits('---\nversion: 1\n---\nx\n', { version: 2, parent: 1, changelog: '  \n ' }), BumpError);
  });

  it('refuses, changing nothing, a frontmatter it cannot edit line by line', () => {
    assert.throws(() => versionBumpEdits('---\n{name: a, version: 1}\n---\nx\n', { version: 2, parent: 1, changelog: 'c' }), /not written as key: value lines/);
    assert.throws(() => versionBumpEdits('---\nname: a\nname: b\n---\nx\n', { version: 2, parent: 1, changelog: 'c' }), /YAML problem/);
    assert.throws(() => versionBumpEdits('---\nname: a\n', { version: 2, parent: 1, changelog: 'c' }), /never closed/);
  });
});

describe('versions: the snapshot store never overwrites', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-versions-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writeExclusive creates once, reports the same text as same and other text as different, leaving the file alone', async () => {
    const file = path.join(dir, 'a', 'v1.prompt');
    assert.equal(await writeExclusive(file, 'one\n'), 'created');
    assert.equal(await writeExclusive(file, 'one\r\n'), 'same', 'CRLF hashes the same');
    assert.equal(await writeExclusive(file, 'two\n'), 'different');
    assert.equal(fs.readFileSync(file, 'utf8'), 'one\n');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['v1.prompt'], 'no temporary file is left');
  });

  it('concurrent writers of the same text: one creates, the others see the same complete text', async () => {
    const file = path.join(dir, 'v2.prompt');
    const text = 'x'.repeat(200_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => writeExclusive(file, text)));
    assert.equal(results.filter((r) => r === 'created').length, 1);
    assert.equal(results.filter((r) => r === 'same').length, 5);
  });

  it('save() refuses other text for a saved version with a clear error', async () => {
    const store = new VersionStore(dir);
    await store.save('email-summary', 3, 'A', 'saved', 'prompts/email-summary.prompt');
    await assert.rejects(store.save('email-summary', 3, 'B', 'saved', null), (err: Error) => err instanceof SnapshotConflictError && /never overwritten/.test(err.message) && /Save New Version/.test(err.message));
    assert.equal(await store.read('email-summary', 3), 'A');
    const index = await store.readIndex('email-summary');
    assert.equal(index.length, 1);
    assert.equal(index[0].version, 3);
    assert.equal(index[0].reason, 'saved');
    assert.equal(index[0].contentHash, contentHash('A'));
  });

  it('keepRanText keeps the first text as v<N> and edited text of the same version beside it', async () => {
    const store = new VersionStore(dir);
    const first = await store.keepRanText('p', 1, 'first', null);
    assert.deepEqual([first.created, first.variant], [true, false]);
    assert.deepEqual([(await store.keepRanText('p', 1, 'first', null)).created], [false]);
    const edited = await store.keepRanText('p', 1, 'edited', null);
    assert.equal(edited.variant, true);
    assert.equal(path.basename(edited.file), `v1~${contentHash('edited')}.prompt`);
    assert.equal(await store.read('p', 1), 'first');
    assert.deepEqual((await store.list('p')).map((s) => [s.version, s.variantHash]), [[1, null], [1, contentHash('edited')]]);
  });

  it('a prompt name cannot leave the versions folder', () => {
    assert.equal(versionFolderName('../../etc'), '.._.._etc');
    assert.equal(versionFolderName('..'), '_');
    assert.equal(versionFolderName('email summary/v2'), 'email_summary_v2');
    const store = new VersionStore(dir);
    assert.ok(store.snapshotPath('../../x', 1).startsWith(path.join(dir, '.prompt-workbench', 'versions') + path.sep));
  });
});

describe('versions: usage from runs and ratings', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-usage-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts runs and ratings per version, skips superseded ratings and corrupt lines, and reads appends incrementally', async () => {
    const runs = path.join(dir, '.prompt-workbench', 'runs', '2026-11.jsonl');
    const ratings = path.join(dir, '.prompt-workbench', 'ratings.jsonl');
    await appendJsonLine(runs, runLine('p', 1, 'aaaa'));
    await appendJsonLine(runs, runLine('p', 1, 'aaaa'));
    await appendJsonLine(runs, runLine('p', 2, 'bbbb'));
    fs.appendFileSync(runs, '{"not json\n');
    const first = ratingLine('p', 1, 'aaaa', 2);
    await appendJsonLine(ratings, first);
    await appendJsonLine(ratings, ratingLine('p', 1, 'aaaa', 4, { supersedes: first.id }));
    await appendJsonLine(ratings, ratingLine('p', 1, 'aaaa', 5));
    await appendJsonLine(ratings, ratingLine('p', 1, 'aaaa', 1, { criterion: 'accuracy' }));
    const index = new PromptUsageIndex(dir);
    await index.refresh();
    const v1 = index.usage('p', 1);
    assert.equal(v1.runs, 2);
    assert.equal(v1.ratings, 3, 'the superseded rating no longer counts');
    assert.deepEqual([...v1.hashes], ['aaaa']);
    assert.deepEqual(v1.stars, { mean: 4.5, n: 2 }, 'overall stars only, superseded one left out');
    assert.equal(index.usage('p', 2).runs, 1);
    assert.equal(index.usage('p', 2).stars, null);

    // An append is picked up; a half-written line waits for its line break.
    fs.appendFileSync(runs, JSON.stringify(runLine('p', 2, 'cccc')).slice(0, 20));
    await index.refresh();
    assert.equal(index.usage('p', 2).runs, 1);
    fs.appendFileSync(runs, JSON.stringify(runLine('p', 2, 'cccc')).slice(20) + '\n');
    await index.refresh();
    assert.equal(index.usage('p', 2).runs, 2);
    assert.deepEqual([...index.usage('p', 2).hashes].sort(), ['bbbb', 'cccc']);

    // A file rewritten (shorter) is read again from the start; a removed one no longer counts.
    fs.writeFileSync(runs, JSON.stringify(runLine('p', 1, 'dddd')) + '\n');
    await index.refresh();
    assert.equal(index.usage('p', 1).runs, 1);
    assert.equal(index.usage('p', 2).runs, 0);
    fs.rmSync(ratings);
    await index.refresh();
    assert.equal(index.usage('p', 1).ratings, 0);
  });

  it('refreshes asked for at once (the diagnostics and the Versions view after one run) count each run once', async () => {
    const runs = path.join(dir, '.prompt-workbench', 'runs', '2026-11.jsonl');
    await appendJsonLine(runs, runLine('p', 2, 'bbbb'));
    const index = new PromptUsageIndex(dir);
    await index.refresh();
    await appendJsonLine(runs, runLine('p', 2, 'bbbb'));
    await Promise.all([index.refresh(), index.refresh(), index.refresh()]);
    assert.equal(index.usage('p', 2).runs, 2);
    // From a fresh index too: every first read at once sees each line once.
    const fresh = new PromptUsageIndex(dir);
    await Promise.all([fresh.refresh(), fresh.refresh()]);
    assert.equal(fresh.usage('p', 2).runs, 2);
  });
});

describe('versions: Save New Version and edited-without-bump', () => {
  let dir: string;
  let file: string;
  let store: VersionStore;
  let usage: PromptUsageIndex;
  const runsFile = () => path.join(dir, '.prompt-workbench', 'runs', '2026-11.jsonl');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-save-'));
    file = path.join(dir, 'prompts', 'email-summary.prompt');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, PROMPT_V3);
    store = new VersionStore(dir);
    usage = new PromptUsageIndex(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a version never run: its text is saved as v3 and the file moves to v4 with parent 3', async () => {
    const result = await saveNewVersion(store, usage, { file, text: PROMPT_V3, changelog: 'Shorter', source: 'prompts/email-summary.prompt' });
    assert.deepEqual([result.fromVersion, result.newVersion, result.snapshotCreated, result.notice], [3, 4, true, null]);
    assert.equal(fs.readFileSync(result.snapshotFile!, 'utf8'), PROMPT_V3);
    assert.equal(path.relative(dir, result.snapshotFile!), path.join('.prompt-workbench', 'versions', 'email-summary', 'v3.prompt'));
    const next = applyEdits(PROMPT_V3, result.edits);
    const parsed = parsePromptSource(next);
    assert.deepEqual([parsed.version, parsed.workbench.parent, parsed.workbench.changelog], [4, 3, 'Shorter']);
    assert.equal(await findEditedWithoutBump(store, usage, next, file), undefined, 'the new version is not flagged');
  });

  it('a version that ran, then was edited: v3 keeps the text that ran, the edited text becomes v4', async () => {
    await store.keepRanText('email-summary', 3, PROMPT_V3, 'prompts/email-summary.prompt');
    await appendJsonLine(runsFile(), runLine('email-summary', 3, contentHash(PROMPT_V3)));
    const edited = PROMPT_V3.replace('busy {{audience}}', 'very busy {{audience}}');
    const flagged = await findEditedWithoutBump(store, usage, edited, file);
    assert.ok(flagged, 'the edit is flagged');
    assert.equal(flagged.runs, 1);
    assert.match(flagged.message, /Version 3 already has 1 run; edits change its content hash/);

    const result = await saveNewVersion(store, usage, { file, text: edited, changelog: 'Very busy', source: null });
    assert.equal(result.snapshotCreated, false);
    assert.equal(await store.read('email-summary', 3), PROMPT_V3, 'v3 is still the text that ran');
    const next = applyEdits(edited, result.edits);
    assert.ok(next.includes('very busy {{audience}}'));
    assert.equal(parsePromptSource(next).version, 4);
    assert.equal(await findEditedWithoutBump(store, usage, next, file), undefined);
  });

  it('runs recorded but no snapshot: the saved-on-disk text that ran is kept, not the unsaved edit', async () => {
    await appendJsonLine(runsFile(), runLine('email-summary', 3, contentHash(PROMPT_V3)));
    const edited = PROMPT_V3.replace('{{email}}', 'Thread:\n{{email}}');
    assert.ok(await findEditedWithoutBump(store, usage, edited, file));
    const result = await saveNewVersion(store, usage, { file, text: edited, savedText: PROMPT_V3, changelog: 'Label the thread', source: null });
    assert.equal(result.snapshotCreated, true);
    assert.equal(await store.read('email-summary', 3), PROMPT_V3);
  });

  it('runs recorded, text lost: nothing false is saved as v3 and the result says why', async () => {
    await appendJsonLine(runsFile(), runLine('email-summary', 3, 'ffffffff'));
    const result = await saveNewVersion(store, usage, { file, text: PROMPT_V3, changelog: 'x', source: null });
    assert.equal(result.snapshotFile, null);
    assert.match(result.notice!, /not in the workspace any more/);
    assert.equal(await store.read('email-summary', 3), undefined);
    assert.equal(result.newVersion, 4);
  });

  it('the new version skips numbers already kept, and a broken file changes nothing', async () => {
    await store.save('email-summary', 7, 'seven', 'saved', null);
    const result = await saveNewVersion(store, usage, { file, text: PROMPT_V3, changelog: 'x', source: null });
    assert.equal(result.newVersion, 8);
    const broken = PROMPT_V3.replace('config: {temperature: 0.2, maxOutputTokens: 700}', 'config: {temperature: 0.2');
    await assert.rejects(saveNewVersion(store, usage, { file, text: broken, changelog: 'x', source: null }), /Fix the problems in this file first/);
  });

  it('a saved version edited back without runs is flagged as saved with other text', async () => {
    await store.save('email-summary', 3, PROMPT_V3, 'saved', null);
    const flagged = await findEditedWithoutBump(store, usage, PROMPT_V3 + '\nMore.\n', file);
    assert.ok(flagged);
    assert.match(flagged.message, /already saved with other text \(\.prompt-workbench\/versions\/email-summary\/v3\.prompt\)/);
  });

  it('lists versions newest first with dates, changelogs, scores, and the previous version of each', async () => {
    const v1 = PROMPT_V3.replace('version: 3', 'version: 1').replace(/workbench\.changelog: \|\n.*\n.*\n/, 'workbench.changelog: First\n');
    await store.save('email-summary', 1, v1, 'saved', null);
    const r1 = await saveNewVersion(store, usage, { file, text: PROMPT_V3, changelog: 'Owners', source: null });
    const working = applyEdits(PROMPT_V3, r1.edits);
    const ratings = path.join(dir, '.prompt-workbench', 'ratings.jsonl');
    await appendJsonLine(ratings, ratingLine('email-summary', 3, contentHash(PROMPT_V3), 3));
    await appendJsonLine(ratings, ratingLine('email-summary', 3, contentHash(PROMPT_V3), 4));
    const [history] = await listPromptHistories(store, usage, [{ file, text: working }]);
    assert.equal(history.name, 'email-summary');
    assert.deepEqual(history.entries.map((e) => [e.kind, e.version]), [['working', 4], ['saved', 3], ['saved', 1]]);
    const [current, v3, first] = history.entries;
    assert.equal(current.changelog, 'Owners');
    assert.equal(v3.changelog, 'Ask for owners\nand due dates\n');
    assert.match(v3.savedAt!, /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(v3.stars, { mean: 3.5, n: 2 });
    assert.equal(v3.ratings, 2);
    assert.equal(previousVersionOf(history, current), v3, 'the parent');
    assert.equal(previousVersionOf(history, v3), first, 'the newest kept before it');
    assert.equal(previousVersionOf(history, first), undefined);
  });
});
