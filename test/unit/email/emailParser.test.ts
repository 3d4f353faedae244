import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEmail, type EmailParseResult } from '../../../src/core/email/parseEmail';
import { extractTechnicalTerms } from '../../../src/core/email/technicalTerms';
import type { ParsedThread } from '../../../src/core/email/types';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/emails');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

async function parsed(name: string): Promise<ParsedThread> {
  const result = await parseEmail({ content: read(name), fileName: name });
  if (!result.ok) assert.fail(`${name}: ${result.error.message}`);
  return result.thread;
}

const bodies = (thread: ParsedThread) => thread.messages.map((m) => m.body);

describe('email thread parsing (src/core/email)', () => {
  it('Outlook: splits at each From/Sent/To/Subject block, oldest first, with each message\'s headers', async () => {
    const thread = await parsed('outlook-thread.txt');
    assert.equal(thread.format, 'text');
    assert.equal(thread.messages.length, 3);
    const [first, second, third] = thread.messages;
    assert.equal(first.from, 'Helen Park <helen.park@contoso.example>');
    assert.equal(first.subject, 'SessionStore migration');
    assert.equal(first.date, 'Monday, March 3, 2025 4:40 PM');
    assert.equal(second.from, 'Ravi Kumar <ravi.kumar@contoso.example>');
    assert.equal(second.to, 'Helen Park <helen.park@contoso.example>; Tom Meyer <tom.meyer@contoso.example>');
    assert.equal(second.cc, 'Platform Team <platform@contoso.example>');
    assert.match(third.body, /^We go with the Redis cluster option/);
  });

  it('strips sign-offs, signature blocks, disclaimers and separators, and reports the tokens saved', async () => {
    const thread = await parsed('outlook-thread.txt');
    const all = bodies(thread).join('\n');
    for (const gone of ['Kind regards', 'Director of Platform', 'Mobile: +44', 'CONFIDENTIALITY NOTICE', '________', 'Best,', 'Thanks,']) {
      assert.ok(!all.includes(gone), `“${gone}” was removed`);
    }
    assert.ok(thread.tokens.saved > 0 && thread.tokens.cleaned < thread.tokens.original, JSON.stringify(thread.tokens));
    assert.equal(thread.tokens.saved, thread.tokens.original - thread.tokens.cleaned);
  });

  it('Gmail: nested "On … wrote:" quotes (one attribution wrapped over two lines) become earlier messages, each text once', async () => {
    const thread = await parsed('gmail-thread.txt');
    assert.deepEqual(thread.messages.map((m) => m.from), ['Bo Chen <bo.chen@example.org>', 'Ann Lee <ann.lee@example.org>', '']);
    assert.equal(thread.messages[0].date, 'Tue, Mar 4, 2025 at 6:15 PM');
    assert.ok(thread.messages.every((m) => !/^>/m.test(m.body)), 'no quote markers are left');
    assert.equal(thread.messages[2].body, "Sounds good, I'll update the runbook by Friday.", '"Sent from my iPhone" is gone');
    assert.ok(!thread.messages[0].body.includes('Site Reliability'), 'the "-- " signature is gone');
    // Each sentence is sent once, though the newest mail quotes all of them.
    assert.equal(thread.text.split('Canary for payments-api').length, 2);
  });

  it('Apple Mail forward ("Begin forwarded message:") and Gmail forward ("---------- Forwarded message ---------")', async () => {
    const apple = await parsed('apple-mail.txt');
    assert.equal(apple.messages.length, 2);
    assert.equal(apple.messages[0].subject, 'Launch moved to May 12');
    assert.equal(apple.messages[0].to, 'Carl Diaz <carl.diaz@example.org>');
    assert.ok(!apple.text.includes('Begin forwarded message'));
    const gmail = await parsed('forwarded.txt');
    assert.equal(gmail.messages[0].from, 'AWS Support <support@example.com>');
    assert.equal(gmail.messages[0].subject, 'Case 123456789: Service quota increase');
    assert.ok(!gmail.text.includes('Forwarded message'));
    assert.ok(!gmail.messages[0].body.includes('Regards'));
  });

  it('localized headers: Chinese 发件人/发送时间/收件人/主题, German Von/Gesendet/An/Betreff, French De/Envoyé/À/Objet', async () => {
    const chinese = await parsed('chinese-outlook.txt');
    assert.equal(chinese.messages.length, 2);
    assert.equal(chinese.messages[0].from, '王芳 <wang.fang@example.cn>');
    assert.equal(chinese.messages[0].date, '2025年3月4日 星期二 10:12');
    assert.equal(chinese.messages[0].subject, '回复: 数据库迁移计划');
    assert.equal(chinese.messages[0].cc, '平台组 <platform@example.cn>');
    assert.ok(!chinese.text.includes('此致') && !chinese.text.includes('发自我的iPhone') && !chinese.text.includes('谢谢'), chinese.text);

    const german = await parsed('german-outlook.txt');
    assert.equal(german.messages[0].from, 'Jan Becker <jan.becker@beispiel.de>');
    assert.equal(german.messages[0].subject, 'Kafka-Cluster Angebot');
    assert.ok(!german.text.includes('Ursprüngliche Nachricht') && !german.text.includes('Mit freundlichen Grüßen') && !german.text.includes('Viele Grüße'));

    const french = await parsed('french-outlook.txt');
    assert.equal(french.messages[0].from, 'Marc Dubois <marc.dubois@exemple.fr>');
    assert.equal(french.messages[0].to, 'Claire Martin <claire.martin@exemple.fr>');
    assert.equal(french.messages[0].subject, 'Migration PostgreSQL');
    assert.ok(!french.text.includes('Cordialement'));
  });

  it('.eml through mailparser: HTML-only mail becomes text with its quote split off; quoted-printable and encoded words are decoded', async () => {
    const html = await parsed('html-only.eml');
    assert.equal(html.format, 'eml');
    assert.equal(html.messages.length, 2);
    assert.match(html.messages[1].body, /we decided to keep the canary at 5% for 24 hours/);
    assert.ok(!html.messages[1].body.includes('<'), 'no HTML is left');
    assert.equal(html.messages[1].subject, 'Re: Canary plan');
    assert.equal(html.messages[0].from, 'Bo Chen <bo.chen@example.org>');

    const qp = await parsed('quoted-printable.eml');
    assert.equal(qp.messages.length, 1);
    assert.equal(qp.messages[0].subject, 'Résumé de la réunion');
    assert.match(qp.messages[0].from, /René François/);
    assert.match(qp.messages[0].body, /Nous avons décidé de déplacer la mise en production au 20 mars\. François s'occupe/);
    assert.equal(qp.messages[0].date, '2025-03-04T15:00:00.000Z');
  });

  it('bad input never throws: empty, binary, broken MIME, mixed encodings, 2 MB', async () => {
    const empty = await parseEmail({ content: '  \n\n ' });
    assert.equal(empty.ok, false);
    assert.match((empty as Extract<EmailParseResult, { ok: false }>).error.message, /nothing to summarize/i);

    const binary = await parseEmail({ content: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256) });
    assert.equal(binary.ok, false);
    assert.match((binary as Extract<EmailParseResult, { ok: false }>).error.message, /binary/);

    const broken = await parsed('broken-mime.eml');
    assert.equal(broken.messages[0].subject, 'Disk alert on db-7');
    assert.match(broken.messages[0].body, /The disk on db-7 is 95% full/);

    const mixed = await parsed('mixed-encoding.txt');
    assert.match(mixed.messages[0].body, /Das Menü für Freitag ist bestätigt – bitte Rückmeldung\.\nDanke schön!/);
    assert.equal(mixed.messages[0].from, 'Zoë Müller <zoe@example.de>');
    assert.ok(mixed.warnings.some((w) => /Windows-1252/.test(w)));

    const block = fs.readFileSync(path.join(FIXTURES, 'outlook-thread.txt'), 'utf8');
    const big = Array.from({ length: Math.ceil((2 * 1024 * 1024) / block.length) }, (_, i) => block.replace(/Redis/g, `Redis-${i}`)).join('\n\n');
    assert.ok(big.length >= 2 * 1024 * 1024);
    const large = await parseEmail({ content: big });
    assert.ok(large.ok, 'a 2 MB thread is parsed');
    if (large.ok) {
      assert.ok(large.thread.messages.length > 1000, String(large.thread.messages.length));
      assert.ok(large.thread.warnings.some((w) => /tokens/.test(w)), 'it says the thread is long');
    }

    const tooBig = await parseEmail({ content: 'x'.repeat(9 * 1024 * 1024) });
    assert.equal(tooBig.ok, false);
    assert.match((tooBig as Extract<EmailParseResult, { ok: false }>).error.message, /MB/);
  });

  it('a thread pasted twice keeps each message once', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'outlook-thread.txt'), 'utf8');
    const once = await parsed('outlook-thread.txt');
    const twice = await parseEmail({ content: `${text}\n\n________________________________\nFrom: Helen Park <helen.park@contoso.example>\nSent: Tuesday, March 4, 2025 11:00 AM\nSubject: SessionStore migration\n\n${text}` });
    assert.ok(twice.ok);
    if (twice.ok) assert.equal(twice.thread.messages.length, once.messages.length);
  });

  it('technical terms for the document search: paths and CamelCase first, people\'s names never', async () => {
    const thread = await parsed('outlook-thread.txt');
    const terms = extractTechnicalTerms(thread.messages.map((m) => m.body).join('\n'), { exclude: ['Helen Park', 'Ravi Kumar', 'Tom Meyer'] });
    assert.ok(terms.includes('docs/session-store.md'), terms.join(', '));
    assert.ok(terms.includes('SessionStore'), terms.join(', '));
    assert.ok(terms.some((t) => /redis/i.test(t)), terms.join(', '));
    assert.ok(!terms.some((t) => /helen|ravi|tom/i.test(t)), terms.join(', '));
  });
});

describe('forwards without a header block, and text still in quoted-printable', () => {
  it("a forward's top message gets the sender its sign-off names among the forwarded message's recipients", async () => {
    const thread = await parsed('forwarded-signed.txt');
    assert.equal(thread.messages.length, 2);
    const [forwarded, top] = thread.messages;
    assert.equal(forwarded.from, 'AWS Support <support@example.com>');
    assert.equal(top.from, 'Dana Okafor <dana.okafor@example.net>');
    assert.match(top.body, /can someone own the quota increase/);
    assert.match(thread.text, /From: Dana Okafor <dana\.okafor@example\.net>\n\nTeam, see below/);
  });

  it('a "Last, First" recipient matches too; a sign-off that names no recipient leaves the sender unknown, and the text says so', async () => {
    const base = read('forwarded-signed.txt').toString('utf8');
    const priya = await parseEmail({ content: base.replace('Thanks,\nDana', 'Priya') });
    assert.ok(priya.ok);
    assert.equal(priya.thread.messages[1].from, 'Raman, Priya <priya.raman@example.net>');
    const stranger = await parseEmail({ content: base.replace('Thanks,\nDana', 'Thanks,\nMarco') });
    assert.ok(stranger.ok);
    assert.equal(stranger.thread.messages[1].from, '');
    assert.match(stranger.thread.text, /Message 2 of 2\nFrom: unknown sender\n/);
    // The plain Gmail forward fixture has no sign-off: unknown, not guessed.
    const unsigned = await parsed('forwarded.txt');
    assert.equal(unsigned.messages[1].from, '');
  });

  it('pasted quoted-printable (soft line breaks, =C3=A9, =E2=80=99, =3D) is decoded, with a note; ordinary "=" text is left alone', async () => {
    const thread = await parsed('quoted-printable-pasted.txt');
    assert.equal(thread.messages.length, 1);
    const [message] = thread.messages;
    assert.equal(message.from, 'René François <rene@example.fr>');
    assert.match(message.body, /Nous avons décidé de déplacer la mise en production au 20 mars\. François s’occupe du plan de retour arrière, et la limite reste à 600 requêtes par minute \(rate=600\)\./);
    assert.ok(thread.warnings.some((w) => /quoted-printable/.test(w)), thread.warnings.join(' | '));
    const plain = await parseEmail({ content: 'Hi team,\n\nSet limit=600 and retries=3 in config (a==b stays).\n\nDana' });
    assert.ok(plain.ok);
    assert.match(plain.thread.messages[0].body, /limit=600 and retries=3 in config \(a==b stays\)/);
    assert.deepEqual(plain.thread.warnings, []);
  });
});

describe('public reply-parsing fixtures (github/email_reply_parser, MIT)', () => {
  const dir = 'email_reply_parser';
  const cases: { file: string; newest: RegExp; quoted?: RegExp; quotedFrom?: RegExp }[] = [
    { file: 'email_1_4.txt', newest: /^Awesome! I haven't had another problem with it\.$/, quoted: /^Loader seems to be working well\.$/, quotedFrom: /reply@reply\.github\.com/ },
    { file: 'email_2_2.txt', newest: /^Outlook with a reply directly above line$/, quoted: /A new comment has been added/, quotedFrom: /CRM Comments/ },
    { file: 'quote_reply_german_multiline.txt', newest: /^This is a reply with German quote multiline$/, quoted: /^Hello this is a test$/, quotedFrom: /Rick Sanchez/ },
    { file: 'email_multiline_quote_header_from_to_date_subject.txt', newest: /^I have gained valuable experience/, quoted: /^Thank you for recently participating/, quotedFrom: /john@example\.com/ },
    { file: 'email_multiline_quote_header_pt_br.txt', newest: /^I have gained valuable experience/, quoted: /^Thank you for recently participating/, quotedFrom: /john@example\.com/ },
    { file: 'email_with_kind_regards.txt', newest: /^Hey,\n\nThats a great idea!$/ },
  ];
  for (const c of cases) {
    it(c.file, async () => {
      const thread = await parsed(path.join(dir, c.file));
      const newest = thread.messages[thread.messages.length - 1];
      assert.match(newest.body, c.newest);
      if (c.quoted) {
        assert.equal(thread.messages.length, 2);
        assert.match(thread.messages[0].body, c.quoted);
        assert.match(thread.messages[0].from, c.quotedFrom!);
      } else {
        assert.equal(thread.messages.length, 1);
      }
    });
  }
});
