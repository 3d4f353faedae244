// The one formatter of time, money and tokens (src/core/format/units.ts), used by the webviews,
// the host and the CLI.
import * as assert from 'node:assert/strict';
import { formatMs, formatTokens, formatTokensPerSecond, formatTokensShort, formatUsd, MISSING } from '../../../src/core/format/units';

describe('format: units', () => {
  it('writes milliseconds below a second and seconds with two decimals above', () => {
    assert.equal(formatMs(0), '0 ms');
    assert.equal(formatMs(849.6), '850 ms');
    assert.equal(formatMs(999.4), '999 ms');
    assert.equal(formatMs(1000), '1.00 s');
    assert.equal(formatMs(12_345), '12.35 s');
  });

  it('writes dollars: two decimals from ten cents, two significant digits below, never exponent notation', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(2.5), '$2.50');
    assert.equal(formatUsd(0.3002), '$0.30');
    assert.equal(formatUsd(0.1), '$0.10');
    assert.equal(formatUsd(0.0123456), '$0.012');
    assert.equal(formatUsd(0.06), '$0.06');
    assert.equal(formatUsd(0.035), '$0.035');
    assert.equal(formatUsd(0.0032), '$0.0032');
    assert.equal(formatUsd(0.003), '$0.003');
    assert.equal(formatUsd(0.00004), '$0.00004');
    assert.equal(formatUsd(0.0000612), '$0.000061');
    assert.equal(formatUsd(0.0000001), '<$0.000001');
    assert.equal(formatUsd(-0.25), '-$0.25');
    // Prices per million tokens read the same way (the model picker and the .prompt hover).
    assert.equal(`${formatUsd(0.8)} / ${formatUsd(4)}`, '$0.80 / $4.00');
    for (const x of [1e-6, 3.3e-6, 0.000099, 0.00999, 0.0999]) assert.doesNotMatch(formatUsd(x), /e/, String(x));
  });

  it('writes token counts, short context windows and tokens per second', () => {
    assert.equal(formatTokens(1234), '1234');
    assert.equal(formatTokensShort(512), '512');
    assert.equal(formatTokensShort(8192), '8.2K');
    assert.equal(formatTokensShort(200_000), '200K');
    assert.equal(formatTokensShort(1_000_000), '1M');
    assert.equal(formatTokensShort(1_500_000), '1.5M');
    assert.equal(formatTokensPerSecond(85, 2000), '42.5');
    assert.equal(formatTokensPerSecond(85, 0), MISSING);
  });

  it('writes a missing value as a dash, whatever the unit', () => {
    for (const f of [formatMs, formatUsd, formatTokens, formatTokensShort]) {
      assert.equal(f(null), MISSING);
      assert.equal(f(undefined), MISSING);
    }
    assert.equal(formatTokensPerSecond(null, 1000), MISSING);
  });
});
