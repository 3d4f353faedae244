/**
 * What is left of one message once its signature, mobile footer, sign-off and disclaimer
 * are gone: the part worth sending to a model.
 */

const MOBILE_FOOTER = /^(?:sent from my .{1,40}|sent from (?:mail|outlook|yahoo mail) for .{1,40}|get outlook for .{1,30}|sent via .{1,40}|sent from (?:gmail|proton ?mail|samsung .{1,30})|von meinem .{1,40} gesendet|gesendet von .{1,40}|envoyé de mon .{1,40}|envoyé depuis .{1,40}|enviado desde mi .{1,40}|inviato da .{1,40}|verzonden vanaf .{1,40}|发自我的.{1,30}|發自我的.{1,30}|从我的.{1,30}发送|從我的.{1,30}傳送)\.?$/iu;

const SIGN_OFF = /^(?:best|best regards|best wishes|kind regards|warm regards|regards|many thanks|med venlig hilsen|venlig hilsen|med vänliga hälsningar|thanks|thank you|thanks again|thanks all|thx|cheers|sincerely|yours sincerely|yours truly|br|rgds|talk soon|speak soon|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|grüße|gruß|danke|vielen dank|cordialement|bien cordialement|bien à vous|salutations|merci|merci beaucoup|bonne journée|saludos|un saludo|atentamente|gracias|cordiali saluti|saluti|grazie|met vriendelijke groet|groeten|此致|此致敬礼|谢谢|謝謝|祝好|顺祝商祺|顺颂商祺|よろしくお願いします|よろしくお願いいたします)[\s,.!。，！]*$/iu;

const DISCLAIMER = /^(?:confidentiality notice|disclaimer\b|this (?:e-?mail|message|communication)(?: and any (?:files|attachments)[^.]{0,40})? (?:is|are|may be|contains?) (?:confidential|intended|privileged)|the information (?:contained )?in this (?:e-?mail|message)|diese e-?mail (?:enthält|ist) vertrauliche|ce (?:message|courriel) (?:et ses pièces jointes )?(?:est|sont) confidentiel)/iu;

/** How many lines after a sign-off may still be a signature (name, title, company, phone). */
const SIGNATURE_LINES = 6;

/** `senderNames`: the sender's name and first name, a line of which near the end starts the signature block. */
export function cleanBody(text: string, senderNames: readonly string[] = []): string {
  let lines = text.split('\n').map((l) => l.replace(/[ \t\u00a0]+$/, ''));
  lines = cutAt(lines, lines.findIndex((l) => l === '--' || l === '-- '));
  lines = cutAt(lines, lastIndexWithin(lines, (l) => DISCLAIMER.test(l.trim()), 20));
  lines = cutAt(lines, lastIndexWithin(lines, (l) => MOBILE_FOOTER.test(l.trim()), 4));
  // "Med venlig hilsen / Kind regards": a sign-off in two languages at once.
  lines = cutAt(lines, signOffIndex(lines, (l) => l.split(/\s+\/\s+/).every((part) => SIGN_OFF.test(part))));
  const names = new Set(senderNames.map((n) => n.toLowerCase()).filter((n) => n.length >= 2));
  if (names.size) lines = cutAt(lines, signOffIndex(lines, (l) => names.has(l.toLowerCase().replace(/^[-–—\s]+|[\s.,!]+$/g, ''))));
  return tidy(lines.join('\n'));
}

/** Leading/trailing blank lines gone, runs of blank lines made one. */
export function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').replace(/^\s*\n/, '').replace(/\s+$/, '');
}

function cutAt(lines: string[], index: number): string[] {
  return index >= 0 ? lines.slice(0, index) : lines;
}

/** The first line, among the last `window` non-blank ones, for which `test` holds. */
function lastIndexWithin(lines: string[], test: (line: string) => boolean, window: number): number {
  const nonBlank = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0).slice(-window);
  return nonBlank.find((i) => test(lines[i])) ?? -1;
}

/** A sign-off near the end, followed only by a few short lines (the name block), and not the whole message. */
function signOffIndex(lines: string[], isStart: (trimmedLine: string) => boolean): number {
  const nonBlank = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
  const tail = nonBlank.slice(-(SIGNATURE_LINES + 1));
  for (const index of tail) {
    if (index === nonBlank[0] || !isStart(lines[index].trim())) continue;
    const after = nonBlank.filter((i) => i > index);
    if (after.length <= SIGNATURE_LINES && after.every((i) => lines[i].trim().length <= 80)) return index;
  }
  return -1;
}
