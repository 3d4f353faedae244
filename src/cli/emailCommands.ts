/**
 * `prompt-workbench email parse PATH|- [--redact] [--json]` and
 * `prompt-workbench email summarize PATH|- [--models ID,…] [--json]`: the email feature on the
 * command line, over the same core as the editor's “Summarize Email”.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { emailPromptInputs, prepareThread } from '../core/email/emailSummary';
import { parseEmail } from '../core/email/parseEmail';
import { unmask } from '../core/privacy/piiMasker';
import { retrievedRefs } from '../core/prompt/ragConfig';
import type { RagHit } from '../core/rag/types';
import { callJson, CliRuntime, exitCodeOf, modelList, readPromptFile, RUNTIME_OPTIONS } from './runtime';

export const EMAIL_USAGE = `  prompt-workbench email parse PATH|- [--redact] [--keep-names] [--json]
  prompt-workbench email summarize PATH|- [--models ID,…] [--prompt FILE] [--no-mask] [--keep-names]
                    [--no-related] [--json]`;

/** Exit codes as the other commands: 2 usage or unreadable input, 1 every model failed, 3 some did. */
export async function runEmailCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...RUNTIME_OPTIONS,
      redact: { type: 'boolean', default: false },
      'keep-names': { type: 'boolean', default: false },
      'no-mask': { type: 'boolean', default: false },
      'no-related': { type: 'boolean', default: false },
      prompt: { type: 'string' },
    },
  });
  const [sub, source] = positionals;
  if ((sub !== 'parse' && sub !== 'summarize') || !source) {
    console.error(`error: email: expected “parse” or “summarize” and a file (or - for standard input).\n\nUsage:\n${EMAIL_USAGE}`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(source === '-' ? 0 : source);
  } catch (err) {
    console.error(`error: cannot read ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return 2;
  }
  const parsed = await parseEmail({ content: bytes, fileName: source === '-' ? undefined : source });
  if (!parsed.ok) {
    console.error(`error: ${parsed.error.message}`);
    return 2;
  }
  const { thread } = parsed;
  for (const warning of thread.warnings) console.error(`warning: ${warning}`);
  const maskNames = !values['keep-names'];

  if (sub === 'parse') {
    const prepared = prepareThread(thread, { maskPii: values.redact, maskNames });
    const doc = {
      messages: prepared.messages.map(({ from, to, date, subject, body }) => ({ from, to, date, subject, body })),
      redactions: prepared.redactions,
      text: prepared.text,
    };
    if (values.json) console.log(JSON.stringify(doc, null, 2));
    else {
      console.log(doc.text);
      console.error(`${doc.messages.length} messages · ${thread.tokens.saved} tokens saved by the cleanup${values.redact ? ` · ${doc.redactions.length} values masked` : ''}`);
    }
    return 0;
  }

  const runtime = new CliRuntime({ workspace: path.resolve(values.workspace ?? '.'), record: !values['no-record'], region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] });
  const prepared = prepareThread(thread, { maskPii: !values['no-mask'], maskNames });
  let hits: RagHit[] = [];
  if (!values['no-related'] && prepared.terms.length) {
    try {
      hits = await runtime.retrieve({ text: prepared.terms.join(' '), topK: 4 });
    } catch (err) {
      console.error(`warning: related documents could not be searched: ${(err as Error).message}`);
    }
  }
  const promptPath = values.prompt ? path.resolve(values.prompt) : bundledPrompt('email-summary.prompt');
  if (!promptPath || !fs.existsSync(promptPath)) {
    console.error(`error: cannot find the prompt ${values.prompt ?? 'email-summary.prompt'}; name one with --prompt FILE.`);
    return 2;
  }
  const inputs = emailPromptInputs(prepared, hits);
  const ready = await runtime.runner.prepare(readPromptFile(promptPath), inputs, { retrieved: retrievedRefs(hits) });
  const { comparisonId, runs } = await runtime.runOnModels(ready, modelList(values.models ?? values.model));
  // The mapping restores what is printed here; the records keep the masked text only.
  const mapping = prepared.mapping();
  const doc = {
    comparisonId,
    messages: thread.messages.length,
    tokens: thread.tokens,
    redactions: prepared.redactions,
    related: hits.map((h) => ({ path: h.path, startLine: h.startLine, endLine: h.endLine, score: h.score, ...(h.heading ? { heading: h.heading } : {}) })),
    runs: runs.map((o) => callJson({ ...o, output: unmask(o.output, mapping), partial: false }, o.guardrail ? { guardrail: o.guardrail } : {})),
  };
  if (values.json) console.log(JSON.stringify(doc, null, 2));
  else {
    for (const run of doc.runs) console.log(`=== ${run.model} ===\n${run.output}\n`);
    if (doc.related.length) console.log(`Related documents:\n${doc.related.map((r) => `  ${r.path}:${r.startLine}-${r.endLine}`).join('\n')}`);
    console.error(`${doc.messages} messages · ${thread.tokens.saved} tokens saved · ${doc.redactions.length} values masked`);
  }
  return exitCodeOf(runs);
}

/** The prompts that ship with the tool: next to dist/ in a package, at the repository root in a checkout. */
function bundledPrompt(name: string): string | undefined {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prompts', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}
