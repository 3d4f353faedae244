/**
 * Says plainly where answers come from when it is not Amazon Bedrock itself: a local
 * Bedrock-compatible server (the offline simulator, a proxy) or another custom endpoint.
 */
export function describeBedrockEndpoint(endpointUrl: string | undefined): string | null {
  const kind = bedrockEndpointKind(endpointUrl);
  if (kind === 'invalid') return `The Bedrock endpoint “${endpointUrl}” is not a valid URL.`;
  if (kind === 'local') return `Answers come from a local Bedrock-compatible server at ${endpointUrl} (such as the Prompt Workbench simulator), not from Amazon Bedrock.`;
  if (kind === 'custom') return `Answers come from the custom Bedrock endpoint ${endpointUrl}.`;
  return null;
}

/** What kind of endpoint answers (null: Amazon Bedrock itself), so the extension can say it in the display language. */
export function bedrockEndpointKind(endpointUrl: string | undefined): 'invalid' | 'local' | 'custom' | null {
  if (!endpointUrl) return null;
  let host: string;
  try {
    host = new URL(endpointUrl).hostname;
  } catch {
    return 'invalid';
  }
  if (/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/.test(host)) return 'local';
  if (/(^|\.)amazonaws\.com(\.cn)?$/.test(host)) return null;
  return 'custom';
}
