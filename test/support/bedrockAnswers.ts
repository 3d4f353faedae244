/**
 * What the local Bedrock-compatible server says. Everything is a pure function of the
 * request, so tests can compute the expected answer and demos look the same every time,
 * yet the answer is built from the user's own text so it reads as useful in a demo.
 */

/** The Converse request body, reduced to what the answer depends on. */
export interface ConverseBody {
  messages?: Array<{ role?: string; content?: Array<Record<string, unknown>> }>;
  system?: Array<Record<string, unknown>>;
}

export interface Conversation {
  systemText: string;
  lastUserText: string;
  /** All text in system and messages, for the input token estimate. */
  allText: string;
}

function textOfBlocks(blocks: Array<Record<string, unknown>> | undefined): string {
  return (blocks ?? [])
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

export function readConversation(body: ConverseBody): Conversation {
  const systemText = textOfBlocks(body.system);
  const messages = body.messages ?? [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const lastUserText = textOfBlocks(lastUser?.content);
  const allText = [systemText, ...messages.map((message) => textOfBlocks(message.content))].filter(Boolean).join('\n');
  return { systemText, lastUserText, allText };
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** Roughly what a BPE tokenizer gives for English: 1.3 tokens per word. */
export function estimateTokens(text: string): number {
  return Math.ceil(countWords(text) * 1.3);
}

/** The streamed deltas: each word with its trailing whitespace, so joining them gives the answer back. */
export function splitIntoPieces(answer: string): string[] {
  return answer.match(/\s*\S+\s*/g) ?? [];
}

// A long text is treated as something to summarise (an email thread, a document).
const LONG_TEXT_WORDS = 60;
const HEADER_LINE = /^(from|to|cc|bcc|date|sent|subject|re|fwd?)\s*:/i;
const DECISION = /\b(decid|agree)/i;
const ACTION = /\b(will|please)\b|\bby (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|eod|end of)/i;

function sentencesOf(text: string): string[] {
  const body = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !HEADER_LINE.test(line) && !line.startsWith('>'))
    // Greetings and sign-offs are not content.
    .filter((line) => !/^(hi|hello|hey|dear|thanks|thank you|best|regards|cheers)\b[^.!?]{0,30}[,!]?$/i.test(line))
    .join(' ');
  return (body.match(/[^.!?]+[.!?]+|[^.!?]+$/g) ?? []).map((sentence) => sentence.trim()).filter((s) => countWords(s) >= 3);
}

function subjectOf(text: string): string | undefined {
  const match = /^subject\s*:\s*(.+)$/im.exec(text);
  return match?.[1]?.trim();
}

function summarise(text: string): string {
  const sentences = sentencesOf(text);
  const decisions = sentences.filter((sentence) => DECISION.test(sentence)).slice(0, 5);
  const actions = sentences.filter((sentence) => ACTION.test(sentence) && !decisions.includes(sentence)).slice(0, 6);
  const context = sentences.filter((sentence) => !decisions.includes(sentence) && !actions.includes(sentence)).slice(0, 2);
  const subject = subjectOf(text);
  const summary = [subject ? `The thread is about "${subject.replace(/^(re|fwd?)\s*:\s*/i, '')}".` : '', ...context].filter(Boolean).join(' ');
  const bullets = (items: string[], none: string): string => (items.length > 0 ? items.map((item) => `- ${item}`).join('\n') : `- ${none}`);
  return [
    '### Summary',
    summary || sentences.slice(0, 2).join(' ') || 'The text has no sentences to summarise.',
    '### Decisions',
    bullets(decisions, 'No decision is stated in the text.'),
    '### Action items',
    bullets(actions, 'No action item is stated in the text.'),
  ].join('\n');
}

const STOP_WORDS = new Set(
  'about above after again against because been before being below between could does doing during each from further have having here how into itself just more most other ought over same should some such than that their them then there these they this those through under until very what when where which while whom with would your yours please explain tell give write'.split(' '),
);

function keywordsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z'-]{4,}/g) ?? [];
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word)))].slice(0, 4);
}

function clip(text: string, maxChars: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxChars ? oneLine : `${oneLine.slice(0, maxChars - 1).trimEnd()}…`;
}

function restate(question: string, systemText: string): string {
  if (question.trim().length === 0) return 'There is no question in the request, so there is nothing to answer yet.';
  const keywords = keywordsOf(question);
  const quoted = clip(question, 160);
  const parts = [`You asked: "${quoted}"${/[.?!…]$/.test(quoted) ? '' : '.'}`];
  if (systemText) parts.push(`Following the instructions "${clip(systemText, 80)}",`);
  parts.push(
    keywords.length > 0
      ? `${systemText ? 'the' : 'The'} short answer turns on ${keywords.join(', ')}: start from those, check each against your own case, and ask a follow-up for more detail.`
      : `${systemText ? 'the' : 'The'} short answer is that it depends on the details; add more context for a fuller reply.`,
  );
  return parts.join(' ');
}

/** The whole answer for a Converse request, ending with a line that names the model. */
export function composeAnswer(modelId: string, conversation: Conversation): string {
  const { lastUserText, systemText } = conversation;
  if (modelId.includes('sim-judge')) return judgeVerdict(lastUserText);
  const body = countWords(lastUserText) >= LONG_TEXT_WORDS ? summarise(lastUserText) : restate(lastUserText, systemText);
  return `${body}\n\n_Answered by ${modelId} (local Bedrock simulator)._`;
}

/**
 * A judge model (`sim-judge` in the id) for LLM-judge checks: it reads `<rubric>` and
 * `<output>` from the request and scores the share of the rubric's "quoted" terms (else its
 * keywords) that the output contains; pass at 0.5 or more. The verdict comes in a ```json
 * fence after a line of prose, as real judges often write it.
 */
function judgeVerdict(request: string): string {
  const section = (tag: string) => new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(request)?.[1] ?? '';
  const rubric = section('rubric');
  const output = section('output').toLowerCase();
  const quoted = [...rubric.matchAll(/"([^"]+)"/g)].map((m) => m[1].toLowerCase());
  const terms = quoted.length ? quoted : keywordsOf(rubric);
  const found = terms.filter((t) => output.includes(t));
  const score = terms.length ? Math.round((found.length / terms.length) * 100) / 100 : 0;
  const missing = terms.filter((t) => !found.includes(t));
  const reason = missing.length ? `The output does not mention ${missing.join(', ')}.` : `The output mentions ${terms.join(', ')}.`;
  return `Here is my verdict.\n\n\`\`\`json\n${JSON.stringify({ pass: score >= 0.5, score, reason })}\n\`\`\``;
}

// ---- embeddings -------------------------------------------------------------------------

/** FNV-1a, 32 bit: a tiny, stable string hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Hashed character trigrams with a hashed sign: texts sharing many trigrams get a high
 * cosine similarity, unrelated texts get one near zero, and the same text always gets
 * the same vector.
 */
export function embedText(text: string, dimensions: number, normalize = true): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const padded = ` ${text.toLowerCase().replace(/\s+/g, ' ').trim()} `;
  for (let i = 0; i + 3 <= padded.length; i++) {
    const hash = fnv1a(padded.slice(i, i + 3));
    vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1;
  }
  if (!normalize) return vector;
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return length === 0 ? vector : vector.map((value) => value / length);
}

export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
