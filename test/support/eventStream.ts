/**
 * AWS event-stream frames (`application/vnd.amazon.eventstream`) as Bedrock's ConverseStream
 * sends them. Encoded with the SDK's own codec, so the frames are byte-for-byte what the
 * client expects (prelude CRC, header types, message CRC) and a codec bug cannot hide here.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { MessageHeaders } from '@smithy/types';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeaders(values: Record<string, string>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) headers[name] = { type: 'string', value };
  return headers;
}

/** One `:message-type: event` frame, e.g. `contentBlockDelta` with `{contentBlockIndex, delta}`. */
export function encodeEventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: stringHeaders({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' }),
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/**
 * One `:message-type: exception` frame. `exceptionType` is the lower-camel member name
 * Bedrock uses inside streams, e.g. `modelStreamErrorException`.
 */
export function encodeExceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: stringHeaders({ ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' }),
    body: fromUtf8(JSON.stringify({ message })),
  });
}

export interface DecodedFrame {
  headers: Record<string, string>;
  body: unknown;
}

/** Splits a buffer of concatenated frames and decodes each one (used by tests to read raw responses). */
export function decodeFrames(bytes: Uint8Array): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
    const totalLength = view.getUint32(0, false);
    const message = codec.decode(bytes.subarray(offset, offset + totalLength));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    frames.push({ headers, body: JSON.parse(toUtf8(message.body)) as unknown });
    offset += totalLength;
  }
  return frames;
}
