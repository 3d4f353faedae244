/**
 * How the extension, its webviews and the CLI write time, money and tokens: one module, one
 * rule each. Node-free (the webviews bundle it through esbuild). A missing value is `—`.
 */

export const MISSING = '—';

type Maybe = number | null | undefined;

const missing = (x: Maybe): x is null | undefined => x === null || x === undefined || Number.isNaN(x);

/** `850 ms`, `1.25 s`. */
export function formatMs(ms: Maybe): string {
  if (missing(ms)) return MISSING;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * US dollars: `$0`, `$2.50`, `$0.30`, and below ten cents two significant digits so small
 * costs stay apart (`$0.012`, `$0.0032`, `$0.000061`); below a millionth of a dollar,
 * `<$0.000001`. Used for run costs, estimates, prices per million tokens and costs per 1,000 calls.
 */
export function formatUsd(usd: Maybe): string {
  if (missing(usd)) return MISSING;
  if (usd < 0) return `-${formatUsd(-usd)}`;
  if (usd === 0) return '$0';
  if (usd < 0.000001) return '<$0.000001';
  if (usd >= 0.1) return `$${usd.toFixed(2)}`;
  // Two significant digits as fixed decimals (never exponent notation), trailing zeros dropped but two kept.
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(usd)));
  const text = usd.toFixed(decimals).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** A token count: `1234`. */
export function formatTokens(n: Maybe): string {
  return missing(n) ? MISSING : String(Math.round(n));
}

/** A token count in short (context windows): `512`, `8.2K`, `200K`, `1M`, `1.5M`. */
export function formatTokensShort(n: Maybe): string {
  if (missing(n)) return MISSING;
  const short = (x: number) => String(+x.toFixed(1));
  if (n >= 1_000_000) return `${short(n / 1_000_000)}M`;
  if (n >= 1000) return `${short(n / 1000)}K`;
  return String(Math.round(n));
}

/** Output tokens over the time they took to stream after the first one: `42.5`, or `—` without a duration. */
export function formatTokensPerSecond(outputTokens: Maybe, streamMs: Maybe): string {
  if (missing(outputTokens) || missing(streamMs) || streamMs <= 0) return MISSING;
  return (outputTokens / (streamMs / 1000)).toFixed(1);
}
