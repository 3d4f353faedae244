/**
 * Bedrock Prompt Management for releases: Publish (CreatePrompt, or UpdatePrompt of the prompt
 * the prompt's earlier releases were published to, then CreatePromptVersion; the ARN and
 * version recorded as a state line) and Import from Bedrock (GetPrompt of a version → a new
 * `.prompt` file, created exclusively). The client is built only through awsConnection and the
 * SDK is the lazily loaded vendor bundle.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { BedrockAgentClient, PromptVariant } from '@aws-sdk/client-bedrock-agent';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';
import { stringify as stringifyYaml } from 'yaml';
import { createExclusive, readOwnText, resolveReadable } from '../workspace/guardedFs';
import { VersionStore } from '../versions/versionStore';
import { describePromptVersion } from '../versions/promptVersions';
import { toBedrockPrompt, type BedrockPromptDefinition } from './bedrockPromptMapping';
import type { PublishedPrompt, Release } from './releaseRecord';
import { changeReleaseState, readReleases } from './releaseStore';

type AgentSdk = typeof import('@aws-sdk/client-bedrock-agent');

export interface PromptManagementDeps {
  connection: AwsConnection;
  /** For tests: the SDK module (default: the vendor bundle, loaded on first use). */
  loadSdk?: () => Promise<AgentSdk>;
}

async function agentClient(deps: PromptManagementDeps): Promise<{ sdk: AgentSdk; client: BedrockAgentClient }> {
  const sdk = await (deps.loadSdk ?? (() => import('@aws-sdk/client-bedrock-agent')))();
  return { sdk, client: new sdk.BedrockAgentClient(sdkClientConfig('bedrock-agent', clientOptions('bedrock-agent', deps.connection))) };
}

/** The IAM actions each step needs (README), said when AWS refuses one. */
export const PUBLISH_PERMISSIONS = ['bedrock:CreatePrompt', 'bedrock:UpdatePrompt', 'bedrock:CreatePromptVersion', 'bedrock:GetPrompt', 'bedrock:ListPrompts'];

function explain(err: unknown, step: string): Error {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'AccessDeniedException') {
    return new Error(l10n.t('{0} was refused: your AWS identity lacks permission ({1}). Publishing needs {2}.', step, e.message ?? '', PUBLISH_PERMISSIONS.join(', ')));
  }
  return new Error(l10n.t('{0} failed: {1}', step, e?.message ?? String(err)));
}

/** The text of a release's version, checked against the hash the release names. */
export async function releaseText(workspaceFolder: string, release: Release): Promise<{ text: string; file: string }> {
  const store = new VersionStore(workspaceFolder);
  const file = store.snapshotPath(release.prompt.name, release.prompt.version);
  const text = await store.read(release.prompt.name, release.prompt.version);
  if (text === undefined || describePromptVersion(text, file).contentHash !== release.prompt.contentHash) {
    throw new Error(l10n.t('The text of {0} v{1} that release {2} approved (content hash {3}) is not kept in .prompt-workbench/versions, so it cannot be published.', release.prompt.name, release.prompt.version, release.id, release.prompt.contentHash));
  }
  return { text, file };
}

/** The Bedrock prompt definition of a release (partials read beside the prompt's working file, inside the workspace). */
export async function releaseDefinition(workspaceFolder: string, release: Release): Promise<BedrockPromptDefinition> {
  const { text } = await releaseText(workspaceFolder, release);
  const promptFile = path.resolve(workspaceFolder, release.prompt.path ?? `${release.prompt.name}.prompt`);
  return toBedrockPrompt({
    text,
    file: promptFile,
    model: release.model,
    config: release.config,
    metadata: { 'workbench.prompt': release.prompt.name, 'workbench.version': String(release.prompt.version), 'workbench.contentHash': release.prompt.contentHash, 'workbench.release': release.id },
    readPartial: async (name) => {
      for (const candidate of [`_${name}.prompt`, `${name}.prompt`]) {
        try {
          return await readOwnText(await resolveReadable(path.join(path.dirname(promptFile), candidate), { root: workspaceFolder }), workspaceFolder);
        } catch {
          // next candidate
        }
      }
      return undefined;
    },
  });
}

/** Publishes a release; returns where it went (also appended as a `published` state line). */
export async function publishRelease(workspaceFolder: string, releaseId: string, by: string, deps: PromptManagementDeps): Promise<PublishedPrompt> {
  const { releases } = await readReleases(workspaceFolder);
  const release = releases.find((r) => r.id === releaseId);
  if (!release) throw new Error(l10n.t('There is no release {0} in .prompt-workbench/releases.jsonl.', releaseId));
  if (release.state === 'rolled-back') throw new Error(l10n.t('Release {0} was rolled back; approve the version again to publish it.', releaseId));
  const definition = await releaseDefinition(workspaceFolder, release);
  const { sdk, client } = await agentClient(deps);
  try {
    const body = { name: definition.name, ...(definition.description ? { description: definition.description } : {}), defaultVariant: definition.defaultVariant, variants: definition.variants as PromptVariant[] };
    // The prompt this prompt's releases were published to before, else one of that name, else a new one.
    let promptId = releases.filter((r) => r.prompt.name === release.prompt.name && r.published).map((r) => r.published!.promptId).pop();
    if (!promptId) {
      try {
        const listed = await client.send(new sdk.ListPromptsCommand({ maxResults: 1000 }));
        promptId = listed.promptSummaries?.find((p) => p.name === definition.name)?.id;
      } catch (err) {
        throw explain(err, 'ListPrompts');
      }
    }
    let arn: string | undefined;
    if (promptId) {
      try {
        arn = (await client.send(new sdk.UpdatePromptCommand({ promptIdentifier: promptId, ...body }))).arn;
      } catch (err) {
        throw explain(err, 'UpdatePrompt');
      }
    } else {
      try {
        const created = await client.send(new sdk.CreatePromptCommand(body));
        promptId = created.id;
        arn = created.arn;
      } catch (err) {
        throw explain(err, 'CreatePrompt');
      }
    }
    let version: string | undefined;
    try {
      version = (await client.send(new sdk.CreatePromptVersionCommand({ promptIdentifier: promptId!, description: `${release.prompt.name} v${release.prompt.version} on ${release.model} (release ${release.id})` }))).version;
    } catch (err) {
      throw explain(err, 'CreatePromptVersion');
    }
    if (!promptId || !arn || !version) throw new Error(l10n.t('Bedrock did not return the prompt id, ARN and version.'));
    const region = /^arn:aws[^:]*:bedrock:([^:]+):/.exec(arn)?.[1];
    const published: PublishedPrompt = { promptArn: arn.replace(/:\d+$/, ''), promptId, promptVersion: version, ...(region ? { region } : {}) };
    await changeReleaseState(workspaceFolder, release.id, { by, state: 'published', published });
    return published;
  } finally {
    client.destroy();
  }
}

/** The versioned ARN Converse takes as its model id. */
export function promptVersionArn(published: PublishedPrompt): string {
  return `${published.promptArn}:${published.promptVersion}`;
}

/**
 * Import from Bedrock: GetPrompt of `identifier` (id or ARN) at `version` (default DRAFT) written
 * as a new `.prompt` file at `target` (never over an existing file). Returns the text written.
 */
export async function importPrompt(workspaceFolder: string, identifier: string, version: string | undefined, target: string, deps: PromptManagementDeps): Promise<string> {
  const { sdk, client } = await agentClient(deps);
  let prompt: unknown;
  try {
    prompt = await client.send(new sdk.GetPromptCommand({ promptIdentifier: identifier, ...(version ? { promptVersion: version } : {}) }));
  } catch (err) {
    throw explain(err, 'GetPrompt');
  } finally {
    client.destroy();
  }
  const text = promptFileFromBedrock(prompt as BedrockPromptShape);
  await createExclusive(target, text, workspaceFolder).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new Error(l10n.t('{0} exists already; nothing was overwritten. Choose another file name.', target));
    throw err;
  });
  return text;
}

interface BedrockPromptShape {
  name?: string;
  description?: string;
  arn?: string;
  version?: string;
  defaultVariant?: string;
  variants?: {
    name?: string;
    modelId?: string;
    templateType?: string;
    templateConfiguration?: {
      text?: { text?: string; inputVariables?: { name?: string }[] };
      chat?: { messages?: { role?: string; content?: { text?: string }[] }[]; system?: { text?: string }[]; inputVariables?: { name?: string }[] };
    };
    inferenceConfiguration?: { text?: { temperature?: number; topP?: number; maxTokens?: number; stopSequences?: string[] } };
    additionalModelRequestFields?: Record<string, unknown>;
  }[];
}

/** A Bedrock prompt version as `.prompt` text: roles for chat messages, `{{name}}` variables kept as they are. */
export function promptFileFromBedrock(prompt: BedrockPromptShape): string {
  const variant = prompt.variants?.find((v) => v.name === prompt.defaultVariant) ?? prompt.variants?.[0];
  if (!variant) throw new Error(l10n.t('The Bedrock prompt {0} has no variant to import.', prompt.arn ?? prompt.name ?? ''));
  const cfg = variant.templateConfiguration ?? {};
  const variables = (cfg.text?.inputVariables ?? cfg.chat?.inputVariables ?? []).map((v) => v.name).filter((n): n is string => !!n);
  const inference = variant.inferenceConfiguration?.text ?? {};
  const config: Record<string, unknown> = {};
  if (inference.temperature !== undefined) config.temperature = inference.temperature;
  if (inference.topP !== undefined) config.topP = inference.topP;
  if (inference.maxTokens !== undefined) config.maxOutputTokens = inference.maxTokens;
  if (inference.stopSequences?.length) config.stopSequences = inference.stopSequences;
  Object.assign(config, variant.additionalModelRequestFields ?? {});
  const frontmatter: Record<string, unknown> = {
    name: prompt.name ?? 'imported',
    version: 1,
    ...(prompt.description ? { description: prompt.description } : {}),
    ...(variant.modelId ? { model: `bedrock/${variant.modelId}` } : {}),
    ...(Object.keys(config).length ? { config } : {}),
    ...(variables.length ? { input: { schema: Object.fromEntries(variables.map((v) => [v, 'string'])) } } : {}),
    'workbench.changelog': `Imported from Bedrock Prompt Management: ${prompt.arn ?? prompt.name}${prompt.version && prompt.version !== 'DRAFT' && !prompt.arn?.endsWith(`:${prompt.version}`) ? `:${prompt.version}` : ''}`,
  };
  let body: string;
  if (cfg.chat) {
    const parts: string[] = [];
    for (const s of cfg.chat.system ?? []) if (s.text) parts.push(`{{role "system"}}${s.text}`);
    for (const m of cfg.chat.messages ?? []) {
      const text = (m.content ?? []).map((c) => c.text ?? '').join('\n');
      parts.push(`{{role "${m.role === 'assistant' ? 'model' : 'user'}"}}${text}`);
    }
    body = parts.join('\n');
  } else {
    body = cfg.text?.text ?? '';
  }
  return `---\n${stringifyYaml(frontmatter, { lineWidth: 0 })}---\n${body}\n`;
}
