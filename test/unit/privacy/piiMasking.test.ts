import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareThread } from '../../../src/core/email/emailSummary';
import { parseEmail } from '../../../src/core/email/parseEmail';
import { maskThread, unmask } from '../../../src/core/email/redact';
import { ibanValid, luhnValid } from '../../../src/core/privacy/checksums';
import { namesInHeader, PiiMasker } from '../../../src/core/privacy/piiMasker';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/emails');

describe('PII masking (src/core/privacy)', () => {
  it('Luhn and IBAN mod-97 checks tell real numbers from look-alikes', () => {
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(luhnValid('5500005555555559'));
    assert.ok(luhnValid('378282246310005'));
    assert.ok(!luhnValid('4111111111111112'));
    assert.ok(!luhnValid('12345'));
    assert.ok(ibanValid('DE89 3704 0044 0532 0130 00'));
    assert.ok(ibanValid('GB82WEST12345698765432'));
    assert.ok(ibanValid('FR1420041010050500013M02606'));
    assert.ok(!ibanValid('DE89 3704 0044 0532 0130 01'), 'wrong check digits');
    assert.ok(!ibanValid('DE89 3704 0044 0532 0130'), 'wrong length for Germany');
  });

  it('masks emails, international phones, Luhn-valid cards, SSNs and IBANs, and leaves dates, ids and versions alone', () => {
    const masker = new PiiMasker();
    const text = [
      'Mail ann.lee@example.org or call +49 30 1234 5678, (415) 555-0100, +86 138 0013 8000 or 0044 20 7946 0958.',
      'Card 4111 1111 1111 1111 (and 4111 1111 1111 1112, which fails Luhn). SSN 123-45-6789.',
      'IBAN DE89 3704 0044 0532 0130 00 AND GB82 WEST 1234 5698 7654 32; not GB82 WEST 1234 5698 7654 31.',
      'Kept: 2025-03-04, 04.03.2025, 03/04/2025, 10:30, order 123456789, ticket #4455667788, v1.2.3, 10.0.0.12, 2019-2024, 1,800 EUR.',
    ].join('\n');
    const masked = masker.mask(text);
    for (const value of ['ann.lee@example.org', '+49 30 1234 5678', '(415) 555-0100', '+86 138 0013 8000', '0044 20 7946 0958', '4111 1111 1111 1111', '123-45-6789', 'DE89 3704 0044 0532 0130 00', 'GB82 WEST 1234 5698 7654 32']) {
      assert.ok(!masked.includes(value), `${value} is masked:\n${masked}`);
    }
    for (const kept of ['4111 1111 1111 1112', 'GB82 WEST 1234 5698 7654 31', '2025-03-04', '04.03.2025', '03/04/2025', '10:30', 'order 123456789', '#4455667788', 'v1.2.3', '10.0.0.12', '2019-2024', '1,800 EUR', ' AND ']) {
      assert.ok(masked.includes(kept), `${kept} is kept:\n${masked}`);
    }
    const kinds = masker.redactions.map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['card', 'email', 'iban', 'iban', 'phone', 'phone', 'phone', 'phone', 'ssn']);
    assert.equal(new Set(masker.redactions.map((r) => r.placeholder)).size, 9);
    assert.equal(unmask(masked, masker.mapping), text, 'unmask restores the text exactly');
  });

  it('placeholders are consistent within a thread: the same address or person is always the same placeholder', async () => {
    const result = await parseEmail({ content: fs.readFileSync(path.join(FIXTURES, 'outlook-thread.txt')) });
    assert.ok(result.ok);
    if (!result.ok) return;
    const masked = maskThread(result.thread, { maskNames: true });
    const helen = Object.entries(masked.mapping).find(([, v]) => v === 'Helen Park')?.[0];
    const helenMail = Object.entries(masked.mapping).find(([, v]) => v === 'helen.park@contoso.example')?.[0];
    assert.ok(helen && helenMail, JSON.stringify(masked.mapping));
    // Helen appears as sender, recipient, "Helen," in a body and "Helen" in a sign-off: one placeholder.
    assert.equal(masked.messages[0].from, `${helen} <${helenMail}>`);
    assert.ok(masked.messages[1].to.startsWith(`${helen} <${helenMail}>`));
    assert.match(masked.messages[1].body, new RegExp(`^${helen.replace(/[[\]]/g, '\\$&')}, the two options`));
    for (const secret of ['Helen', 'Ravi', 'Tom Meyer', '@contoso.example', '4111 1111 1111 1111', 'DE89', '555-0100']) {
      assert.ok(!masked.text.includes(secret), `${secret} is not in the text sent:\n${masked.text}`);
    }
    assert.ok(masked.text.includes('Redis') && masked.text.includes('SessionStore'), 'the technical content stays');
    assert.equal(unmask(masked.text, masked.mapping).includes('Helen Park'), true);
    assert.ok(masked.occurrences > masked.redactions.length, 'repeated values count once in redactions');
  });

  it('names are masked only with maskNames, and masking can be off altogether', async () => {
    const result = await parseEmail({ content: fs.readFileSync(path.join(FIXTURES, 'chinese-outlook.txt')) });
    assert.ok(result.ok);
    if (!result.ok) return;
    const withNames = prepareThread(result.thread, { maskPii: true, maskNames: true });
    assert.ok(!withNames.text.includes('王芳') && !withNames.text.includes('李伟'), withNames.text);
    assert.ok(!withNames.text.includes('+86 138 0013 8000'));
    const without = prepareThread(result.thread, { maskPii: true, maskNames: false });
    assert.ok(without.text.includes('王芳'));
    assert.ok(!without.text.includes('wang.fang@example.cn'));
    assert.ok(without.redactions.every((r) => r.kind !== 'name'));
    const off = prepareThread(result.thread, { maskPii: false, maskNames: true });
    assert.ok(off.text.includes('wang.fang@example.cn') && off.text.includes('王芳'));
    assert.deepEqual(off.redactions, []);
    assert.deepEqual(off.mapping(), {});
  });

  it('reads display names from header values, "Last, First" turned round; placeholders already in the text are left alone', () => {
    assert.deepEqual(namesInHeader('Ann Lee <ann@x.org>, "Chen, Bo" <bo@x.org>; 张伟 <zw@x.cn>'), ['Ann Lee', 'Bo Chen', '张伟']);
    assert.deepEqual(namesInHeader('CRM Comments [crm-comment@example.com]'), ['CRM Comments']);
    const masker = new PiiMasker({ maskNames: true });
    masker.addNames(['Ann Lee <ann@x.org>']);
    assert.equal(masker.mask('[EMAIL_1] wrote to Ann; ann.lee is a word'), '[EMAIL_1] wrote to [NAME_1]; ann.lee is a word');
  });
});
