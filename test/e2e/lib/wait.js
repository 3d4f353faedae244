// Waiting and asserting in the browser specs: one copy for all of them.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Polls `fn` until it returns something truthy; a throw counts as "not yet" and is named on timeout. */
async function waitFor(what, fn, timeoutMs = 30000, intervalMs = 150) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn().catch((err) => err);
    if (last && !(last instanceof Error)) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last instanceof Error ? ` (${last.message})` : last !== undefined ? ` (last: ${JSON.stringify(last)})` : ''}`);
}

module.exports = { sleep, assert, waitFor };
