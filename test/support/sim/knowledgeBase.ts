/**
 * The Agents runtime's `Retrieve` (POST /knowledgebases/{id}/retrieve) over a small scripted
 * knowledge base, for `workbench.rag.knowledgeBaseId` and `retrieval-eval --knowledge-base`.
 *
 * - `KBSIMDOCS1`: six documents (S3 and web locations), scored by shared words with the query;
 *   `numberOfResults` (default 5), `overrideSearchType` (SEMANTIC scores a little lower, so a
 *   test can see it was sent) and an `equals`/`andAll` metadata filter are honoured.
 * - `KBMISSING0`: does not exist (404 ResourceNotFoundException), as does any other id.
 * - `KBDENIED00`: access denied (403 AccessDeniedException).
 */
import type { SimulatorExtensionFactory, SimulatorRequest } from './extensions';

export const SIM_KNOWLEDGE_BASE_ID = 'KBSIMDOCS1';
export const SIM_MISSING_KNOWLEDGE_BASE_ID = 'KBMISSING0';
export const SIM_DENIED_KNOWLEDGE_BASE_ID = 'KBDENIED00';

interface KbDocument {
  text: string;
  location: Record<string, unknown>;
  metadata: Record<string, string>;
}

const s3 = (key: string) => ({ type: 'S3', s3Location: { uri: `s3://sim-kb-docs/${key}` } });
const web = (url: string) => ({ type: 'WEB', webLocation: { url } });

export const SIM_KB_DOCUMENTS: readonly KbDocument[] = [
  { text: 'To rotate the database credentials, run the rotate-secrets job in the ops pipeline; it updates Secrets Manager and restarts the API pods.', location: s3('runbooks/rotate-credentials.md'), metadata: { team: 'infra' } },
  { text: 'The deployment freeze starts on December 18 and ends on January 5. Only hotfixes approved by the release manager ship during the freeze.', location: s3('policies/deployment-freeze.md'), metadata: { team: 'release' } },
  { text: 'Kafka consumer lag alerts fire when lag exceeds 10,000 messages for 5 minutes; scale the consumer group before restarting brokers.', location: s3('runbooks/kafka-lag.md'), metadata: { team: 'infra' } },
  { text: 'Expense reports are due on the fifth working day of each month; receipts over 75 euros must be attached.', location: web('https://intranet.example.com/finance/expenses'), metadata: { team: 'finance' } },
  { text: 'The on-call rotation hands over every Monday at 10:00; the outgoing engineer writes a handover note in the incident channel.', location: web('https://intranet.example.com/oncall/handover'), metadata: { team: 'infra' } },
  { text: 'Customer data may be kept for 30 days after an account is closed, then it is deleted from backups within 90 days.', location: s3('policies/data-retention.md'), metadata: { team: 'legal' } },
];

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z0-9]+/g)?.filter((w) => w.length > 2) ?? []);

function matchesFilter(metadata: Record<string, string>, filter: unknown): boolean {
  if (!filter || typeof filter !== 'object') return true;
  const f = filter as Record<string, unknown>;
  if (f.equals) {
    const { key, value } = f.equals as { key?: string; value?: unknown };
    return key !== undefined && metadata[key] === value;
  }
  if (f.notEquals) {
    const { key, value } = f.notEquals as { key?: string; value?: unknown };
    return key !== undefined && metadata[key] !== value;
  }
  if (Array.isArray(f.andAll)) return f.andAll.every((part) => matchesFilter(metadata, part));
  if (Array.isArray(f.orAll)) return f.orAll.some((part) => matchesFilter(metadata, part));
  return true;
}

/** The scripted knowledge base's answer to a query (also used by tests to know what to expect). */
export function simRetrieve(text: string, options: { numberOfResults?: number; searchType?: string; filter?: unknown } = {}): { content: { text: string; type: string }; location: Record<string, unknown>; metadata: Record<string, string>; score: number }[] {
  const query = words(text);
  const scale = options.searchType === 'SEMANTIC' ? 0.9 : 1;
  return SIM_KB_DOCUMENTS.filter((doc) => matchesFilter(doc.metadata, options.filter))
    .map((doc) => {
      const docWords = words(doc.text);
      const shared = [...query].filter((w) => docWords.has(w)).length;
      return { doc, score: query.size ? (shared / Math.sqrt(query.size * docWords.size)) * scale : 0 };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, options.numberOfResults ?? 5)
    .map(({ doc, score }) => ({ content: { text: doc.text, type: 'TEXT' }, location: doc.location, metadata: doc.metadata, score: Math.round(score * 10000) / 10000 }));
}

function retrieve(request: SimulatorRequest, knowledgeBaseId: string): void {
  if (knowledgeBaseId === SIM_DENIED_KNOWLEDGE_BASE_ID) {
    return request.sendError({ status: 403, type: 'AccessDeniedException', message: `User is not authorized to perform: bedrock:Retrieve on resource: arn:aws:bedrock:${request.region}:123456789012:knowledge-base/${knowledgeBaseId}` });
  }
  if (knowledgeBaseId !== SIM_KNOWLEDGE_BASE_ID) {
    return request.sendError({ status: 404, type: 'ResourceNotFoundException', message: `Knowledge base with id ${knowledgeBaseId} does not exist` });
  }
  const text = (request.body.retrievalQuery as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string' || !text.trim()) {
    return request.sendError({ status: 400, type: 'ValidationException', message: '1 validation error detected: Value at \'retrievalQuery.text\' failed to satisfy constraint: Member must not be null' });
  }
  const vector = ((request.body.retrievalConfiguration as { vectorSearchConfiguration?: Record<string, unknown> } | undefined)?.vectorSearchConfiguration ?? {}) as {
    numberOfResults?: number;
    overrideSearchType?: string;
    filter?: unknown;
  };
  if (vector.numberOfResults !== undefined && (vector.numberOfResults < 1 || vector.numberOfResults > 100)) {
    return request.sendError({ status: 400, type: 'ValidationException', message: 'numberOfResults must be between 1 and 100' });
  }
  request.sendJson(200, { retrievalResults: simRetrieve(text, { numberOfResults: vector.numberOfResults, searchType: vector.overrideSearchType, filter: vector.filter }) });
}

export const knowledgeBaseSimulator: SimulatorExtensionFactory = () => ({
  route(request) {
    const { segments } = request;
    if (request.method !== 'POST' || segments.length !== 3 || segments[0] !== 'knowledgebases' || segments[2] !== 'retrieve') return false;
    retrieve(request, decodeURIComponent(segments[1]));
    return true;
  },
});
