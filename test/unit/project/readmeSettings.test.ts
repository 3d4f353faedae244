// README.md's settings reference is generated from package.json: it lists every setting with
// its type, default and description, and a stale table fails here (run scripts/settings-doc.js).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const doc = require(path.join(ROOT, 'scripts/settings-doc.js')) as { updateReadme(o: { write: boolean }): { changed: boolean }; settingsMarkdown(): string };

describe('README settings reference', () => {
  it('is up to date with package.json (node scripts/settings-doc.js regenerates it)', () => {
    assert.equal(doc.updateReadme({ write: false }).changed, false, 'README.md settings table is stale: run node scripts/settings-doc.js');
  });

  it('has one row per contributed setting, with its English description', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const names = Object.keys(Object.assign({}, ...[].concat(manifest.contributes.configuration).map((c: { properties: object }) => c.properties)));
    const table = doc.settingsMarkdown();
    for (const name of names) assert.ok(table.includes(`| \`${name}\` |`), `${name} is in the table`);
    assert.ok(!/%[a-zA-Z.]+%/.test(table), 'placeholders are resolved to English');
  });
});
