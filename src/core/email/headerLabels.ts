/**
 * Header labels as mail clients write them in quoted and forwarded blocks, in the languages
 * people paste most (Outlook translates them; Gmail and Apple Mail too). Matched case-insensitively.
 */
export type HeaderField = 'from' | 'date' | 'to' | 'cc' | 'subject';

const LABELS: Record<HeaderField, string[]> = {
  from: ['From', 'Von', 'De', 'Da', 'Van', 'Från', 'Fra', 'Od', 'От', 'Remitente', 'Absender', 'Expéditeur', '发件人', '寄件人', '寄件者', '差出人', '보낸 사람'],
  date: ['Sent', 'Date', 'Enviada em', 'Enviado em', 'Gesendet', 'Datum', 'Envoyé', 'Enviado', 'Fecha', 'Data', 'Inviato', 'Verzonden', 'Skickat', 'Sendt', 'Отправлено', 'Дата', '发送时间', '发件时间', '日期', '时间', '傳送時間', '寄件日期', '送信日時', '日付', '보낸 날짜'],
  to: ['To', 'An', 'À', 'A', 'Aan', 'Till', 'Til', 'Para', 'Per', 'Komu', 'Кому', 'Destinataire', '收件人', '收件者', '宛先', '받는 사람'],
  cc: ['Cc', 'Kopie', 'Copie', 'CC', 'Copia', 'Kopia', 'Копия', '抄送', '抄送人', '副本', '참조'],
  subject: ['Subject', 'Assunto', 'Betreff', 'Objet', 'Sujet', 'Asunto', 'Assunto', 'Oggetto', 'Onderwerp', 'Ämne', 'Emne', 'Temat', 'Тема', '主题', '主旨', '主題', '件名', '제목'],
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLabel = new Map<string, HeaderField>();
for (const [field, labels] of Object.entries(LABELS) as [HeaderField, string[]][]) for (const l of labels) byLabel.set(l.toLowerCase(), field);
const alternatives = [...byLabel.keys()].sort((a, b) => b.length - a.length).map(escape).join('|');

/**
 * `From: x`, `*From:* x` (Gmail's plain text of bold labels), `De : x` (French spacing),
 * `发件人：x` (full-width colon). The label must start the line.
 */
const HEADER_LINE = new RegExp(`^[ \\t]*\\*{0,2}(${alternatives})\\*{0,2}[ \\t\\u00a0]*[:：]\\*{0,2}[ \\t\\u00a0]*(.*)$`, 'iu');

export interface HeaderLine {
  field: HeaderField;
  value: string;
}

export function readHeaderLine(line: string): HeaderLine | undefined {
  if (line.length > 2000) return undefined;
  const match = HEADER_LINE.exec(line);
  if (!match) return undefined;
  const field = byLabel.get(match[1].toLowerCase());
  if (!field) return undefined;
  return { field, value: match[2].replace(/\*+$/, '').trim() };
}

/** Lines that introduce an earlier message (`-----Original Message-----` …): dropped from bodies. */
const SEPARATOR = /^[ \t]*(?:-{2,}|_{5,}|={5,})?[ \t]*(?:original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|原始邮件|原始郵件|转发的邮件|轉寄的郵件|元のメッセージ|転送されたメッセージ)?[ \t]*(?:-{2,}|_{5,}|={5,})?[ \t]*$/iu;
const FORWARD_MARKER = /(forwarded message|begin forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|转发的邮件|轉寄的郵件|転送されたメッセージ|début du message réexpédié|anfang der weitergeleiteten nachricht)/iu;

/** True for a separator line: dashes/underscores around "Original Message" and the like, or a bare rule. */
export function isSeparatorLine(line: string): boolean {
  const t = line.trim();
  if (!t) return false;
  if (/^(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht)\s*:?$/iu.test(t)) return true;
  // `--` alone is a signature delimiter, not a separator: a bare rule must be 5 characters or more.
  return t.length <= 120 && SEPARATOR.test(t) && /[-_=]{5,}|message|nachricht|bericht|邮件|郵件|メッセージ/iu.test(t);
}

export function isForwardMarker(line: string): boolean {
  return FORWARD_MARKER.test(line);
}

/**
 * Gmail-style attribution lines, in several languages: `On Tue, 4 Mar 2025 at 10:12, Ann <a@x.com> wrote:`,
 * `Am … schrieb …:`, `Le … a écrit :`, `El … escribió:`, `在 … 写道：`. Returns the text between the
 * opening word and the verb (date and sender), or undefined.
 */
const ATTRIBUTION: { pattern: RegExp; order: 'mixed' | 'date-from' | 'from-date' }[] = [
  { pattern: /^On\s+(.{4,300}?)\s+wrote\s*:\s*$/i, order: 'mixed' },
  { pattern: /^Am\s+(.{4,300}?)\s+schrieb\s+(.{1,200}?)\s*:\s*$/i, order: 'date-from' },
  { pattern: /^Op\s+(.{4,300}?)\s+schreef\s+(.{1,200}?)\s*:\s*$/i, order: 'date-from' },
  { pattern: /^Den\s+(.{4,300}?)\s+skrev\s+(.{1,200}?)\s*:\s*$/i, order: 'date-from' },
  { pattern: /^Le\s+(.{4,300}?)\s+a\s+écrit\s*:\s*$/i, order: 'mixed' },
  { pattern: /^El\s+(.{4,300}?)\s+escribió\s*:\s*$/i, order: 'mixed' },
  { pattern: /^Il\s+(.{4,300}?)\s+ha\s+scritto\s*:\s*$/i, order: 'mixed' },
  { pattern: /^Em\s+(.{4,300}?)\s+escreveu\s*:\s*$/i, order: 'mixed' },
  { pattern: /^在\s*(.{2,300}?)\s*写道\s*[:：]\s*$/u, order: 'mixed' },
  { pattern: /^(.{2,300}?)\s*(?:於|于)\s*(.{2,300}?)\s*(?:寫道|写道)\s*[:：]\s*$/u, order: 'from-date' },
  { pattern: /^(.{4,300}?)\s+wrote\s*:\s*$/i, order: 'mixed' },
];

/** The date and sender of an attribution line, or undefined when the line is not one. */
export function readAttribution(line: string): { date: string; from: string } | undefined {
  const t = line.trim();
  if (t.length > 600 || !/[:：]\s*$/.test(t)) return undefined;
  for (const { pattern, order } of ATTRIBUTION) {
    const m = pattern.exec(t);
    if (!m) continue;
    if (order === 'date-from') return { date: m[1].trim(), from: m[2].trim() };
    if (order === 'from-date') return { date: m[2].trim(), from: m[1].trim() };
    return splitAttribution(m[1].trim());
  }
  return undefined;
}

/** Splits an attribution's middle into its date and its sender: the sender follows the last time or year. */
export function splitAttribution(middle: string): { date: string; from: string } {
  const email = /<?([^\s<>()"',;]+@[^\s<>()"',;]+\.[a-z]{2,})>?/i.exec(middle);
  const timeOrYear = /(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[APap]\.?[Mm]\.?)?|\b\d{4}(?:年\d{1,2}月\d{1,2}日)?(?:\s?[日号])?)[,，]?/g;
  let cut = -1;
  for (let m = timeOrYear.exec(middle); m; m = timeOrYear.exec(middle)) {
    if (email && m.index >= email.index) break;
    cut = m.index + m[0].length;
  }
  if (cut < 0) return email ? { date: '', from: middle.trim() } : { date: '', from: middle.trim() };
  return { date: middle.slice(0, cut).replace(/[,，]\s*$/, '').trim(), from: middle.slice(cut).replace(/^[\s,，]+/, '').trim() };
}
