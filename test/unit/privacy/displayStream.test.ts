// Compare from the email panel shows answers with the masked details restored, while they
// stream: a placeholder split across deltas is held back until whole, so the text shown is
// exactly the restored answer however the deltas fall, and never shows a half placeholder.
import * as assert from 'node:assert/strict';
import { displayStream } from '../../../src/core/privacy/displayStream';
import { unmask } from '../../../src/core/privacy/piiMasker';

describe('display stream: masked placeholders restored while streaming (display only)', () => {
  const mapping = { '[EMAIL_1]': 'dana@example.com', '[NAME_1]': 'Dana Reyes', '[PHONE_12]': '+1 555 0100' };
  const restore = (t: string) => unmask(t, mapping);
  const answer = '[NAME_1] asks [EMAIL_1] (or call [PHONE_12]) about [docs] and [EMAIL_9], see [A] [\n[NAME_1]';

  it('gives the restored answer for every way of cutting it into deltas, with no half placeholder shown', () => {
    const expected = restore(answer);
    assert.ok(expected.includes('Dana Reyes asks dana@example.com (or call +1 555 0100)'), 'restore itself works');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 300; trial++) {
      const stream = displayStream(restore);
      let shown = '';
      for (let i = 0; i < answer.length; ) {
        const n = trial === 0 ? 1 : 1 + Math.floor(rand() * 6);
        shown += stream.push(answer.slice(i, i + n));
        assert.doesNotMatch(shown, /\[(E|EM|EMA|EMAI|EMAIL|EMAIL_|N|NA|NAM|NAME|NAME_|P|PH|PHO|PHON|PHONE|PHONE_1?)$/, 'no half placeholder on screen');
        assert.ok(!/\[(EMAIL|NAME|PHONE)_1\]/.test(shown), 'no known placeholder on screen');
        i += n;
      }
      shown += stream.flush();
      assert.equal(shown, expected, `trial ${trial}`);
    }
  });

  it('releases text that cannot become a placeholder at once, and holds back only a possible one', () => {
    const stream = displayStream(restore);
    assert.equal(stream.push('see [docs'), 'see [docs');
    assert.equal(stream.push(' and [NAM'), ' and ');
    assert.equal(stream.push('E_1] done'), 'Dana Reyes done');
    assert.equal(stream.push(' [EMAIL_'), ' ');
    assert.equal(stream.flush(), '[EMAIL_', 'an unfinished one is shown as it is at the end');
  });
});
