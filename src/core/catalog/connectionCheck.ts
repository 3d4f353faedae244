/**
 * "Check connection": can this AWS identity reach Amazon Bedrock in the Region, which text
 * models may it call now, and which need access granted first. Bedrock's control plane
 * answers the second question per model with `GetFoundationModelAvailability`
 * (authorization, the model's end-user agreement, entitlement, Region). An inference
 * profile (`us.anthropic…`) is as callable as the foundation model it routes to.
 */
import type { GetFoundationModelAvailabilityResponse as FoundationModelAvailability } from '@aws-sdk/client-bedrock';
import { controlClient, describeListingError, listBedrockModels, type BedrockCatalogOptions } from './bedrockCatalog';
import type { ModelInfo } from './builtinModels';

export type ModelAccessStatus = 'ready' | 'needs-access' | 'pending' | 'not-in-region' | 'unknown';

export interface ModelAccess {
  /** The id a prompt uses: `bedrock/…`. */
  id: string;
  name: string;
  status: ModelAccessStatus;
  /** Why it is not ready, for a person. */
  detail?: string;
  /** The foundation model whose availability decided the status (for a profile, the model it routes to). */
  foundationModel: string;
}

export interface BedrockConnectionReport {
  ok: boolean;
  region?: string;
  /** Text models, ready ones first. Empty when the listing failed. */
  models: ModelAccess[];
  /** The listing's failure, written for the user. */
  problem?: string;
  /** Set when availability could not be asked (e.g. missing bedrock:GetFoundationModelAvailability). */
  availabilityProblem?: string;
  ms: number;
}

/** What one availability answer means for calling the model. */
export function accessFromAvailability(a: FoundationModelAvailability): { status: ModelAccessStatus; detail?: string } {
  if (a.regionAvailability === 'NOT_AVAILABLE') return { status: 'not-in-region', detail: 'Not offered in this Region.' };
  if (a.authorizationStatus === 'NOT_AUTHORIZED') {
    return { status: 'needs-access', detail: 'Your IAM identity is not authorized for this model (check bedrock:InvokeModel* on it).' };
  }
  const agreement = a.agreementAvailability?.status;
  if (agreement === 'PENDING') return { status: 'pending', detail: 'Access was requested and is pending.' };
  if (agreement === 'NOT_AVAILABLE' || agreement === 'ERROR') {
    const why = a.agreementAvailability?.errorMessage ? ` (${a.agreementAvailability.errorMessage})` : '';
    return { status: 'needs-access', detail: `Request access in the Bedrock console → Model access${why}.` };
  }
  if (a.entitlementAvailability === 'NOT_AVAILABLE') return { status: 'needs-access', detail: 'Not entitled yet: request access in the Bedrock console → Model access.' };
  return { status: 'ready' };
}

const ORDER: Record<ModelAccessStatus, number> = { ready: 0, pending: 1, 'needs-access': 2, unknown: 3, 'not-in-region': 4 };

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Lists the Region's text models and asks the availability of each foundation model (a few
 * at a time). Never throws: a failed listing is the report's `problem`.
 */
export async function checkBedrockConnection(
  options: BedrockCatalogOptions,
  known: (id: string) => ModelInfo | undefined,
  signal?: AbortSignal,
  concurrency = 6,
): Promise<BedrockConnectionReport> {
  const started = Date.now();
  let listing;
  try {
    listing = await listBedrockModels(options, known, signal);
  } catch (err) {
    return { ok: false, models: [], problem: (err as Error).message, ms: Date.now() - started };
  }
  const text = listing.models.filter((m) => m.kind === 'text');
  const foundationOf = (m: ModelInfo) => (m.baseModel ?? m.id).replace(/^bedrock\//, '');
  const foundations = [...new Set(text.map(foundationOf))];
  const { sdk, client } = await controlClient(options);
  const access = new Map<string, { status: ModelAccessStatus; detail?: string }>();
  let availabilityProblem: string | undefined;
  try {
    await mapLimited(foundations, concurrency, async (modelId) => {
      if (availabilityProblem) return;
      try {
        const answer = await client.send(new sdk.GetFoundationModelAvailabilityCommand({ modelId }), { abortSignal: signal });
        access.set(modelId, accessFromAvailability(answer));
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'AccessDeniedException') {
          availabilityProblem = 'Your identity may list models but not ask their availability (allow bedrock:GetFoundationModelAvailability to see which need access).';
        } else if (name === 'ResourceNotFoundException' || name === 'ValidationException') {
          access.set(modelId, { status: 'unknown', detail: (err as Error).message });
        } else {
          availabilityProblem = describeListingError(err, options, listing.region);
        }
      }
    });
  } finally {
    client.destroy();
  }
  const models: ModelAccess[] = text.map((m) => {
    const foundationModel = foundationOf(m);
    const a = access.get(foundationModel) ?? { status: 'unknown' as const, detail: availabilityProblem };
    return { id: m.id, name: m.name, foundationModel, ...a };
  });
  models.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.id.localeCompare(b.id));
  return { ok: true, region: listing.region, models, availabilityProblem, ms: Date.now() - started };
}

/** A one-line summary: "us-east-1: 12 ready, 3 need access". */
export function summarizeConnection(report: BedrockConnectionReport): string {
  if (!report.ok) return report.problem ?? 'Amazon Bedrock could not be reached.';
  const count = (s: ModelAccessStatus) => report.models.filter((m) => m.status === s).length;
  const parts = [`${count('ready')} ready`];
  if (count('needs-access')) parts.push(`${count('needs-access')} need access`);
  if (count('pending')) parts.push(`${count('pending')} pending`);
  if (count('unknown')) parts.push(`${count('unknown')} unknown`);
  return `${report.region}: ${parts.join(', ')}`;
}
