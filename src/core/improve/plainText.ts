/**
 * A dotprompt template as the plain `{{variable}}` text that Bedrock's prompt optimizer (and
 * the "from your failures" improver) rewrites, and the way back.
 *
 * Plain text keeps simple variables (`{{email}}`, `{{user.name}}`) as they are. Everything
 * else Handlebars (a role marker, a partial, a helper such as `{{json x}}`, a whole
 * `{{#if}}…{{/if}}` block) becomes a placeholder variable, `{{pw_role_system}}`,
 * `{{pw_block_1}}`…: an optimizer leaves variables alone, so where a placeholder survives the
 * original construct is put back exactly. Where one does not, a role marker is placed before
 * the paragraph holding the variable that followed it; anything else is listed as not carried
 * over, in words, so that the person is told.
 */
import * as l10n from '@vscode/l10n';

export interface Placeholder {
  /** The variable name it stands for in the plain text. */
  name: string;
  /** The original Handlebars text, put back verbatim. */
  tag: string;
  kind: 'role' | 'block' | 'partial' | 'helper';
  /** A role marker: the first variable after it (before the next marker), where it goes back when the placeholder is lost. */
  anchor?: string;
}

export interface PlainTextMapping {
  plain: string;
  placeholders: Placeholder[];
  /** The simple variables of the template, in order of first use. */
  variables: string[];
}

export interface MappedBack {
  template: string;
  /** One sentence per construct that could not be put back (the panel and the CLI show them). */
  notCarriedOver: string[];
}

const TAG = /\{\{\{?[\s\S]*?\}?\}\}/g;
const SIMPLE_VARIABLE = /^\{\{\s*([A-Za-z_][\w]*(?:\.[\w]+)*)\s*\}\}$/;
const NOT_VARIABLES = new Set(['else', 'this', 'history']);
const BLOCK_OPEN = /^\{\{~?#\s*([\w-]+)/;
const BLOCK_CLOSE = /^\{\{~?\/\s*([\w-]+)/;
const ROLE = /^\{\{~?\s*role\s+["']([\w-]+)["']\s*~?\}\}$/;
const PARTIAL = /^\{\{~?>\s*([\w./-]+)/;

/** The plain text an optimizer sees, with its placeholders. */
export function toPlainText(template: string): PlainTextMapping {
  const placeholders: Placeholder[] = [];
  const variables: string[] = [];
  const used = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  let plain = '';
  let last = 0;
  let blockCount = 0;
  let helperCount = 0;
  const tags = [...template.matchAll(TAG)];
  for (let i = 0; i < tags.length; i++) {
    const match = tags[i];
    const start = match.index!;
    const tag = match[0];
    plain += template.slice(last, start);
    last = start + tag.length;
    const simple = SIMPLE_VARIABLE.exec(tag);
    if (simple && !NOT_VARIABLES.has(simple[1])) {
      plain += `{{${simple[1]}}}`;
      const top = simple[1].split('.')[0];
      if (!variables.includes(top)) variables.push(top);
      continue;
    }
    const open = BLOCK_OPEN.exec(tag);
    if (open) {
      // The whole block, nested blocks of any name included, is one placeholder.
      let depth = 1;
      let j = i + 1;
      for (; j < tags.length && depth > 0; j++) {
        if (BLOCK_OPEN.test(tags[j][0])) depth++;
        else if (BLOCK_CLOSE.test(tags[j][0])) depth--;
      }
      const end = depth === 0 ? tags[j - 1].index! + tags[j - 1][0].length : template.length;
      const name = unique(`pw_block_${++blockCount}`);
      placeholders.push({ name, tag: template.slice(start, end), kind: 'block' });
      plain += `{{${name}}}`;
      last = end;
      i = depth === 0 ? j - 1 : tags.length;
      continue;
    }
    const role = ROLE.exec(tag);
    const partial = PARTIAL.exec(tag);
    if (role) {
      const name = unique(`pw_role_${role[1].replace(/-/g, '_')}`);
      placeholders.push({ name, tag, kind: 'role' });
    } else if (partial) {
      placeholders.push({ name: unique(`pw_partial_${partial[1].replace(/[^\w]/g, '_')}`), tag, kind: 'partial' });
    } else {
      placeholders.push({ name: unique(`pw_helper_${++helperCount}`), tag, kind: 'helper' });
    }
    plain += `{{${placeholders[placeholders.length - 1].name}}}`;
  }
  plain += template.slice(last);
  // A role marker's anchor: the first simple variable after it, before the next marker.
  for (const p of placeholders.filter((p) => p.kind === 'role')) {
    const after = plain.slice(plain.indexOf(`{{${p.name}}}`) + p.name.length + 4);
    const nextRole = placeholders.filter((q) => q.kind === 'role' && q !== p).map((q) => after.indexOf(`{{${q.name}}}`)).filter((x) => x >= 0);
    const upto = nextRole.length ? after.slice(0, Math.min(...nextRole)) : after;
    const anchor = [...upto.matchAll(/\{\{([A-Za-z_]\w*)(?:\.[\w.]+)?\}\}/g)].map((m) => m[1]).find((v) => variables.includes(v));
    if (anchor) p.anchor = anchor;
  }
  return { plain, placeholders, variables };
}

/** The template for an optimizer's plain text: placeholders become their constructs again. */
export function fromPlainText(optimized: string, mapping: PlainTextMapping): MappedBack {
  const notCarriedOver: string[] = [];
  let text = optimized.replace(/\r\n/g, '\n');
  const restored: string[] = [];
  const missingRoles: Placeholder[] = [];
  for (const p of mapping.placeholders) {
    const pattern = new RegExp(`\\{\\{\\s*${p.name}\\s*\\}\\}`, 'g');
    const count = [...text.matchAll(pattern)].length;
    if (count === 0) {
      if (p.kind === 'role') missingRoles.push(p);
      else notCarriedOver.push(l10n.t('The rewrite left out {0} ({1}); it is not in the new version.', describeKind(p.kind), oneLine(p.tag)));
      continue;
    }
    if (count > 1) notCarriedOver.push(l10n.t('The rewrite repeats {0} ({1}); only its first place is kept.', describeKind(p.kind), oneLine(p.tag)));
    let first = true;
    text = text.replace(pattern, () => {
      const out = first ? `\u0000${restored.length}\u0000` : '';
      first = false;
      return out;
    });
    restored.push(p.tag);
  }
  for (const p of missingRoles) {
    const token = `\u0000${restored.length}\u0000`;
    const isFirstRole = mapping.placeholders.find((q) => q.kind === 'role') === p && mapping.plain.trimStart().startsWith(`{{${p.name}}}`);
    const at = p.anchor ? text.search(new RegExp(`\\{\\{\\s*${p.anchor}[\\s.}]`)) : -1;
    if (isFirstRole) {
      text = token + text.replace(/^\s+/, '');
    } else if (at >= 0) {
      const paragraph = text.lastIndexOf('\n\n', at);
      const insertAt = paragraph < 0 ? 0 : paragraph + 2;
      text = text.slice(0, insertAt) + token + text.slice(insertAt);
    } else {
      notCarriedOver.push(l10n.t('The rewrite left out the role marker {0} and the variable after it; the text is no longer split at that message.', oneLine(p.tag)));
      continue;
    }
    restored.push(p.tag);
  }
  const template = text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => restored[Number(i)]);
  return { template, notCarriedOver };
}

function describeKind(kind: Placeholder['kind']): string {
  switch (kind) {
    case 'block':
      return l10n.t('a conditional or repeated block');
    case 'partial':
      return l10n.t('a partial');
    case 'role':
      return l10n.t('a role marker');
    default:
      return l10n.t('a helper');
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/** The `{{variable}}` names in a plain text (the placeholders' included). */
export function plainVariables(plain: string): string[] {
  return [...new Set([...plain.matchAll(/\{\{\s*([A-Za-z_]\w*)(?:\.[\w.]+)?\s*\}\}/g)].map((m) => m[1]))];
}
