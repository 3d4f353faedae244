// Manifest hygiene, read from package.json as VS Code would: every command the code knows is
// contributed and every contributed command is known to the code; every setting can be
// understood from the Settings editor (a description, a type and a default); menus,
// keybindings, views and walkthroughs refer only to things that exist; every `%key%`
// placeholder has its English text. The extension-host suite checks the other half: what
// is contributed is registered at run time, and what is registered is contributed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND } from '../../../src/host/commandIds';

const ROOT = path.resolve(__dirname, '../../../..');

interface CommandContribution { command: string; title: string; category?: string }
interface SettingContribution { type?: string | string[]; default?: unknown; description?: string; markdownDescription?: string; enum?: unknown[]; enumDescriptions?: string[] }
interface MenuItem { command?: string; submenu?: string; when?: string }
interface Manifest {
  contributes: {
    commands: CommandContribution[];
    configuration: { properties: Record<string, SettingContribution> } | { properties: Record<string, SettingContribution> }[];
    menus?: Record<string, MenuItem[]>;
    keybindings?: { command: string; key: string }[];
    views?: Record<string, { id: string; name: string }[]>;
    viewsContainers?: Record<string, { id: string }[]>;
    viewsWelcome?: { view: string; contents: string }[];
    walkthroughs?: { id: string; steps: { id: string; title: string; description: string; media?: Record<string, unknown> }[] }[];
    submenus?: { id: string }[];
  };
  activationEvents?: string[];
}

const raw = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
const manifest = JSON.parse(raw) as Manifest;
const contributes = manifest.contributes;
const contributedCommands = contributes.commands.map((c) => c.command);
const settings: Record<string, SettingContribution> = Object.assign(
  {},
  ...([] as { properties: Record<string, SettingContribution> }[]).concat(contributes.configuration).map((c) => c.properties),
);

/** The commands a `command:` link in markdown (views' welcome, walkthrough steps) runs. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([A-Za-z0-9_.]+)/g)].map((m) => m[1]);
}

describe('package.json manifest hygiene', () => {
  it('every command in the code (COMMAND) is contributed, and every contributed command is in COMMAND', () => {
    const known = new Set<string>(Object.values(COMMAND));
    const notContributed = [...known].filter((c) => !contributedCommands.includes(c));
    const notKnown = contributedCommands.filter((c) => !known.has(c));
    assert.deepEqual(notContributed, [], `in COMMAND but not contributed: ${notContributed.join(', ')}`);
    assert.deepEqual(notKnown, [], `contributed but not in COMMAND: ${notKnown.join(', ')}`);
  });

  it('commands are contributed once each, with a title and the Prompt Workbench category', () => {
    const seen = new Set<string>();
    for (const c of contributes.commands) {
      assert.ok(!seen.has(c.command), `${c.command} is contributed twice`);
      seen.add(c.command);
      assert.ok(c.command.startsWith('promptWorkbench.'), `${c.command} uses the promptWorkbench. prefix`);
      assert.ok(c.title && c.title.trim(), `${c.command} has a title`);
      assert.ok(c.category, `${c.command} has a category, so the palette groups it`);
    }
  });

  it('every setting has a description, a type and a default that fits its type', () => {
    const names = Object.keys(settings);
    assert.ok(names.length >= 10, `expected the settings to be read (got ${names.length})`);
    for (const name of names) {
      const s = settings[name];
      assert.ok(name.startsWith('promptWorkbench.'), `${name} uses the promptWorkbench. prefix`);
      assert.ok((s.description ?? s.markdownDescription ?? '').trim(), `${name} has a description`);
      assert.ok(s.type, `${name} has a type`);
      assert.ok('default' in s, `${name} has a default`);
      const types = ([] as string[]).concat(s.type ?? []);
      const actual = s.default === null ? 'null' : Array.isArray(s.default) ? 'array' : Number.isInteger(s.default) ? 'integer' : typeof s.default;
      const fits = types.includes(actual) || (actual === 'integer' && types.includes('number'));
      assert.ok(fits, `${name}: default ${JSON.stringify(s.default)} is a ${actual}, not ${types.join('|')}`);
      if (s.enum) assert.ok(s.enum.includes(s.default), `${name}: default ${JSON.stringify(s.default)} is one of its enum values`);
      if (s.enum && s.enumDescriptions) assert.equal(s.enumDescriptions.length, s.enum.length, `${name}: one enumDescription per enum value`);
    }
  });

  it('menus, keybindings and command links refer only to contributed commands', () => {
    const submenus = new Set((contributes.submenus ?? []).map((s) => s.id));
    for (const [where, items] of Object.entries(contributes.menus ?? {})) {
      for (const item of items) {
        if (item.submenu) {
          assert.ok(submenus.has(item.submenu), `menu ${where} refers to the unknown submenu ${item.submenu}`);
          continue;
        }
        assert.ok(item.command && contributedCommands.includes(item.command), `menu ${where} refers to ${item.command}, which is not contributed`);
      }
    }
    for (const k of contributes.keybindings ?? []) {
      assert.ok(contributedCommands.includes(k.command), `keybinding ${k.key} runs ${k.command}, which is not contributed`);
    }
    const markdown = [
      ...(contributes.viewsWelcome ?? []).map((w) => w.contents),
      ...(contributes.walkthroughs ?? []).flatMap((w) => w.steps.map((s) => s.description)),
    ];
    for (const text of markdown) {
      for (const command of commandLinks(text)) {
        assert.ok(contributedCommands.includes(command) || command.startsWith('workbench.') || command.startsWith('vscode.'), `a command link runs ${command}, which is not contributed`);
      }
    }
  });

  it('views live in contributed containers, and welcome content and view menus name real views', () => {
    const containers = new Set(Object.values(contributes.viewsContainers ?? {}).flat().map((c) => c.id));
    const views = new Set<string>();
    for (const [container, list] of Object.entries(contributes.views ?? {})) {
      const builtIn = ['explorer', 'scm', 'debug', 'test'].includes(container);
      assert.ok(builtIn || containers.has(container), `views are contributed into the unknown container ${container}`);
      for (const v of list) views.add(v.id);
    }
    for (const w of contributes.viewsWelcome ?? []) assert.ok(views.has(w.view), `viewsWelcome names the unknown view ${w.view}`);
    for (const [where, items] of Object.entries(contributes.menus ?? {})) {
      if (!where.startsWith('view/')) continue;
      for (const item of items) {
        for (const m of (item.when ?? '').matchAll(/\bview == ([A-Za-z0-9_.]+)/g)) {
          assert.ok(views.has(m[1]), `menu ${where} (${item.command}) names the unknown view ${m[1]}`);
        }
      }
    }
  });

  it('walkthrough steps have a title, a description and media that exists', () => {
    for (const w of contributes.walkthroughs ?? []) {
      for (const step of w.steps) {
        assert.ok(step.title && step.description, `walkthrough ${w.id} step ${step.id} has a title and a description`);
        for (const media of Object.values(step.media ?? {})) {
          if (typeof media !== 'string' || media.startsWith('http')) continue;
          assert.ok(fs.existsSync(path.join(ROOT, media)), `walkthrough ${w.id} step ${step.id}: ${media} exists`);
        }
      }
    }
  });

  it('every %placeholder% in package.json has English text in package.nls.json, and every translation names only known keys', () => {
    const placeholders = [...new Set([...raw.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]))];
    const nlsFile = path.join(ROOT, 'package.nls.json');
    if (placeholders.length === 0) {
      return assert.ok(true, 'no placeholders');
    }
    assert.ok(fs.existsSync(nlsFile), 'package.json uses %placeholders% so package.nls.json exists');
    const english = JSON.parse(fs.readFileSync(nlsFile, 'utf8')) as Record<string, string>;
    const missing = placeholders.filter((k) => typeof english[k] !== 'string');
    assert.deepEqual(missing, [], `placeholders without English text: ${missing.join(', ')}`);
    for (const file of fs.readdirSync(ROOT).filter((f) => /^package\.nls\..+\.json$/.test(f))) {
      const translated = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;
      const unknown = Object.keys(translated).filter((k) => !(k in english));
      assert.deepEqual(unknown, [], `${file} translates keys package.nls.json does not have: ${unknown.join(', ')}`);
    }
  });

  it('activation events name only contributed webview panels, languages and commands', () => {
    for (const event of manifest.activationEvents ?? []) {
      const [kind, arg] = event.split(':');
      if (kind === 'onCommand') assert.ok(contributedCommands.includes(arg), `${event}: command not contributed`);
    }
  });
});
