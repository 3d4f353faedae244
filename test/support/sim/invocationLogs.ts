/**
 * Model invocation logging in the simulator. With `PW_SIM_INVOCATION_LOG_FILE` set when the
 * server starts, every Converse call it serves (non-streaming: what an application's backend
 * sends) is answered here and also written to that file as a documented `ModelInvocationLog`
 * record, one JSON line each (the shape Bedrock writes to S3 and CloudWatch Logs). Tests copy
 * the file to S3 (s3rver) to import from a prefix.
 *
 * CloudWatch Logs `FilterLogEvents` (JSON 1.1, `Logs_20140328.FilterLogEvents`) answers for the
 * group `/aws/bedrock/modelinvocations` with the records served so far (two events a page, so
 * paging is exercised; `startTime`/`endTime` honoured); any other group does not exist.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { SimulatorExtensionFactory, SimulatorRequest, SimulatorServices } from './extensions';

export const SIM_LOG_GROUP = '/aws/bedrock/modelinvocations';
export const SIM_INVOCATION_LOG_FILE_ENV = 'PW_SIM_INVOCATION_LOG_FILE';
const PAGE = 2;

interface ServedRecord {
  timestamp: number;
  json: string;
}

function logRecord(request: SimulatorRequest, modelId: string, output: Record<string, unknown>, latencyMs: number): Record<string, unknown> {
  const usage = (output.usage ?? {}) as { inputTokens?: number; outputTokens?: number };
  const body = request.body;
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: new Date().toISOString(),
    accountId: '123456789012',
    identity: { arn: 'arn:aws:sts::123456789012:assumed-role/sim-app/session' },
    region: request.region,
    requestId: randomUUID(),
    operation: 'Converse',
    modelId,
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: body.messages, ...(body.system ? { system: body.system } : {}), ...(body.inferenceConfig ? { inferenceConfig: body.inferenceConfig } : {}), ...(body.requestMetadata ? { requestMetadata: body.requestMetadata } : {}), ...(body.promptVariables ? { promptVariables: body.promptVariables } : {}) },
      inputTokenCount: usage.inputTokens ?? 0,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: { ...output, metrics: { latencyMs } },
      outputTokenCount: usage.outputTokens ?? 0,
    },
  };
}

function filterLogEvents(request: SimulatorRequest, served: readonly ServedRecord[]): void {
  const body = request.body as { logGroupName?: string; startTime?: number; endTime?: number; nextToken?: string };
  if (body.logGroupName !== SIM_LOG_GROUP) {
    return request.sendError({ status: 400, type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
  }
  const matching = served.filter((r) => (body.startTime === undefined || r.timestamp >= body.startTime) && (body.endTime === undefined || r.timestamp <= body.endTime));
  const from = body.nextToken ? Number(body.nextToken) : 0;
  const page = matching.slice(from, from + PAGE);
  const events = page.map((r, i) => ({ logStreamName: 'aws/bedrock/modelinvocations', timestamp: r.timestamp, ingestionTime: r.timestamp + 100, message: r.json, eventId: String(from + i) }));
  const next = from + PAGE < matching.length ? String(from + PAGE) : undefined;
  request.sendJson(200, { events, searchedLogStreams: [], ...(next ? { nextToken: next } : {}) }, { 'content-type': 'application/x-amz-json-1.1' });
}

export const invocationLogsSimulator: SimulatorExtensionFactory = (services: SimulatorServices) => {
  const file = process.env[SIM_INVOCATION_LOG_FILE_ENV];
  const served: ServedRecord[] = [];
  return {
    route(request) {
      if (request.method === 'POST' && request.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents') {
        filterLogEvents(request, served);
        return true;
      }
      const { segments } = request;
      if (!file || request.method !== 'POST' || segments.length !== 3 || segments[0] !== 'model' || segments[2] !== 'converse') return false;
      const modelId = decodeURIComponent(segments[1]);
      // A prompt ARN is Prompt Management's to answer.
      if (modelId.startsWith('arn:') && modelId.includes(':prompt/')) return false;
      request.setModelId(modelId);
      const started = Date.now();
      const answer = services.converse(modelId, request.body);
      if (answer.error) {
        request.sendError(answer.error);
        return true;
      }
      const latencyMs = Math.max(1, Date.now() - started);
      const record = logRecord(request, modelId, answer.output!, latencyMs);
      const json = JSON.stringify(record);
      served.push({ timestamp: Date.parse(record.timestamp as string), json });
      fs.appendFileSync(file, json + '\n');
      request.sendJson(200, { ...answer.output, metrics: { latencyMs } }, { 'x-amzn-requestid': record.requestId as string });
      return true;
    },
  };
};
