/**
 * A token-bucket rate limit per model for the local Bedrock simulator, to test adaptive
 * concurrency: a model id with `sim-rps<N>` (e.g. `amazon.sim-rps5-v1:0`) allows N requests
 * per second, and `-tpm<M>` in it M tokens per minute (input + output, estimated at 4
 * characters a token). Beyond the bucket a Converse call gets HTTP 429 ThrottlingException
 * with `Retry-After: 1`, as Bedrock does. The bucket holds one second's worth of requests.
 */
import type { SimulatorExtension, SimulatorExtensionFactory } from './extensions';

interface Bucket {
  tokens: number;
  perMs: number;
  capacity: number;
  at: number;
}

function take(bucket: Bucket, amount: number, now: number): boolean {
  bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.at) * bucket.perMs);
  bucket.at = now;
  if (bucket.tokens < amount) return false;
  bucket.tokens -= amount;
  return true;
}

export const rateLimitExtension: SimulatorExtensionFactory = (): SimulatorExtension => {
  const requests = new Map<string, Bucket>();
  const tokens = new Map<string, Bucket>();
  return {
    route(request) {
      const [first, rawId, action] = request.segments;
      if (request.method !== 'POST' || first !== 'model' || (action !== 'converse' && action !== 'converse-stream')) return false;
      const modelId = decodeURIComponent(rawId ?? '');
      const rps = /sim-rps(\d+)/.exec(modelId);
      const tpm = /-tpm(\d+)/.exec(modelId);
      if (!rps && !tpm) return false;
      const now = Date.now();
      let allowed = true;
      if (rps) {
        const n = Number(rps[1]);
        let b = requests.get(modelId);
        if (!b) requests.set(modelId, (b = { tokens: n, perMs: n / 1000, capacity: n, at: now }));
        allowed = take(b, 1, now);
      }
      if (allowed && tpm) {
        const m = Number(tpm[1]);
        let b = tokens.get(modelId);
        if (!b) tokens.set(modelId, (b = { tokens: m, perMs: m / 60000, capacity: m, at: now }));
        allowed = take(b, Math.ceil(JSON.stringify(request.body.messages ?? '').length / 4) + 100, now);
      }
      if (allowed) return false; // the simulator answers as usual
      request.setModelId(modelId);
      request.sendJson(429, { message: 'Too many requests, please wait before trying again.' }, { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/', 'retry-after': '1' });
      return true;
    },
  };
};
