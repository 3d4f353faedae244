import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt from 'markdown-it';

// highlight.js core with the languages model answers use most (about 55 KB minified, not
// the 900 KB of every language); a fence in another language stays plain.
for (const [name, language] of Object.entries({ bash, java, javascript, json, python, sql, typescript, xml, yaml })) {
  hljs.registerLanguage(name, language);
}

const options = { html: false, linkify: true, breaks: false } as const;
// Model output is untrusted: markdown-it with raw HTML off, then DOMPurify on what it made.
const plain = new MarkdownIt(options);
const highlighted = new MarkdownIt({
  ...options,
  highlight: (code: string, lang: string): string => {
    const language = lang && hljs.getLanguage(lang) ? lang : undefined;
    if (!language) return '';
    try {
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    } catch {
      return '';
    }
  },
});

/**
 * Sanitized HTML for a model's answer. Code is highlighted only once the answer is
 * complete: while six columns stream, each frame re-renders every changed column, and
 * plain rendering keeps that cheap.
 */
export function renderAnswer(text: string, highlight: boolean): string {
  return DOMPurify.sanitize((highlight ? highlighted : plain).render(text));
}

/** Sanitized DOM for a piece of an answer, without serializing and parsing it again. */
export function renderAnswerFragment(text: string): DocumentFragment {
  return DOMPurify.sanitize(plain.render(text), { RETURN_DOM_FRAGMENT: true });
}
