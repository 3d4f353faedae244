/**
 * How features add APIs to the local Bedrock simulator without growing bedrockServer.ts: each
 * feature keeps its routes (and their state) in a module of its own under test/support/sim/
 * and adds its factory to SIMULATOR_EXTENSIONS below. Every server started by
 * startBedrockServer() makes one instance of each extension; a request goes to the extensions
 * in order before the built-in routes, and the first that returns true has answered it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { mediaAndCacheSimulator } from './mediaAndCache';
import { promptManagementSimulator } from './promptManagement';
import { toolsSimulator } from './tools';
import { batchSimulator } from './batch';
import { optimizePromptSimulator } from './optimizePrompt';
import { knowledgeBaseSimulator } from './knowledgeBase';
import { invocationLogsSimulator } from './invocationLogs';

export interface SimulatorError {
  status: number;
  /** The AWS error code, e.g. `ValidationException`. */
  type: string;
  message: string;
}

/** What a route sees of a request, and how it answers. */
export interface SimulatorRequest {
  method: string;
  url: URL;
  /** The path split on `/`, still percent-encoded. */
  segments: string[];
  /** The JSON body, decoded ({} when there was none or it was not JSON). */
  body: Record<string, unknown>;
  /** The raw body bytes (an S3-like upload, a non-JSON protocol). */
  rawBody: Buffer;
  /** Lower-case names, as sent. */
  headers: Record<string, string>;
  /** From the SigV4 credential scope; `us-east-1` when unsigned. */
  region: string;
  /** Shown in the simulator's log line and kept in `server.requests`. */
  setModelId(modelId: string): void;
  sendJson(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** Answers 200 with an AWS event stream (`application/vnd.amazon.eventstream`), `delayMs` between frames. */
  sendEventStream(frames: Uint8Array[], options?: { delayMs?: number }): Promise<void>;
  sendError(error: SimulatorError): void;
}

/** The simulator's own abilities an extension may reuse. */
export interface SimulatorServices {
  /** The Converse answer the simulator gives this model for this body, at once (no pacing), or its scripted error. */
  converse(modelId: string, body: Record<string, unknown>): { output?: Record<string, unknown>; error?: SimulatorError };
  log(line: string): void;
}

export interface SimulatorExtension {
  /** True when this extension answered the request. */
  route(request: SimulatorRequest): boolean | Promise<boolean>;
  /** Stops timers and background work when the server closes. */
  close?(): void | Promise<void>;
}

export type SimulatorExtensionFactory = (services: SimulatorServices) => SimulatorExtension;

/** Add one line per feature here. */
export const SIMULATOR_EXTENSIONS: SimulatorExtensionFactory[] = [
  promptManagementSimulator, // Bedrock Prompt Management and Converse with a prompt ARN (releases)
  mediaAndCacheSimulator, // image/document blocks and cache points in Converse (media)
  toolsSimulator,
  batchSimulator,
  optimizePromptSimulator,
  knowledgeBaseSimulator,
  invocationLogsSimulator,
];

export type { IncomingHttpHeaders };
