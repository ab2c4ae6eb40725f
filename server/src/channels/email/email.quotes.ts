/**
 * The new part of a reply: the text a person wrote, without the history their mail client quoted below it, their
 * signature, or a "Sent from my phone" line. Agents read this in the inbox; the full text is kept beside it. Pure.
 *
 * Cut at the first of: an attribution line ("On … wrote:", Russian "… пишет:" / "написал(а):", Gmail's and Yandex's
 * "<date>, Name <addr>:"), an "-----Original Message-----" separator (and the Russian "Исходное сообщение"), an
 * Outlook header block ("From: … / Sent: … / To: …", also in Russian), a signature separator "-- ". Then a trailing
 * block of "> " lines goes too (quotes interleaved with answers stay: the answers need them). A mail that is nothing
 * but quote keeps its whole text: an empty message would say less than the quote.
 */
export function trimQuoted(text: string): { text: string; trimmed: boolean } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (startsQuote(lines, i)) {
      end = i;
      break;
    }
  }
  // Trailing quoted lines (and blank lines among them), then trailing blank lines.
  while (end > 0 && /^\s*(>.*)?$/.test(lines[end - 1] ?? '')) end -= 1;
  while (end > 0 && MOBILE_FOOTER.test((lines[end - 1] ?? '').trim())) end -= 1;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end -= 1;
  const kept = lines.slice(0, end).join('\n').trim();
  if (kept === '') return { text: text.trim(), trimmed: false };
  return { text: kept, trimmed: kept !== text.trim() };
}

const ATTRIBUTION = [
  // English clients: "On Mon, 7 Dec 2026 at 10:00, Anna <anna@example.com> wrote:"
  /^\s*On\b.*\bwrote:\s*$/i,
  // Russian clients: "7 декабря 2026 г., 10:00 пользователь Анна <anna@example.com> написал:", "Анна пишет:"
  /(?:пишет|написал|написала|написал\(а\))\s*:\s*$/i,
  // Gmail (ru and others), Yandex, Mail.ru: a line with a time or a year that ends with the author's address and ':'.
  /(?:\d{1,2}:\d{2}|\b\d{4}\b).*[^\s<>@]+@[^\s<>@]+>?\s*:\s*$/,
];

const SEPARATOR = [
  /^\s*-{2,}\s*(?:Original Message|Исходное сообщение|Forwarded by)\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/,
];

// Outlook's quoted header: From, then Sent/Date and To/Subject within the next lines, in English or Russian.
const OUTLOOK_FROM = /^\s*\*?(?:From|От)\*?:\s*\S/i;
const OUTLOOK_NEXT = /^\s*\*?(?:Sent|Date|To|Subject|Отправлено|Дата|Кому|Тема)\*?:\s*/i;

// "Sent from my iPhone", "Отправлено с iPhone", "Отправлено из мобильной Почты Mail.ru", "Get Outlook for Android".
const MOBILE_FOOTER =
  /^(?:Sent from my \S.*|Sent from (?:Mail|Outlook) for \S.*|Get Outlook for \S.*|Отправлено (?:с|из) .*)$/i;

function startsQuote(lines: string[], i: number): boolean {
  const line = lines[i] ?? '';
  // A signature starts at "-- " (RFC 3676; some clients drop the trailing space).
  if (/^--\s?$/.test(line)) return true;
  if (SEPARATOR.some((re) => re.test(line))) return true;
  if (ATTRIBUTION.some((re) => re.test(line)) && quoteFollows(lines, i)) return true;
  // Attributions wrapped over two lines: "On Mon, 7 Dec 2026 at 10:00, Anna Smith" / "<anna@example.com> wrote:".
  if (/^\s*On\b/i.test(line) && /\bwrote:\s*$/i.test(lines[i + 1] ?? '')) return true;
  if (OUTLOOK_FROM.test(line)) {
    const next = lines.slice(i + 1, i + 5);
    return next.filter((l) => OUTLOOK_NEXT.test(l)).length >= 2;
  }
  return false;
}

/**
 * An attribution is only believed when something follows it (quoted lines or more text): a customer's own last line
 * "my address is anna@example.com:" with nothing after it is not a quote header.
 */
function quoteFollows(lines: string[], i: number): boolean {
  return lines.slice(i + 1).some((l) => l.trim() !== '');
}
