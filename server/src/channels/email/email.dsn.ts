import type { ParsedMail } from 'mailparser';

/** One recipient a delivery report (RFC 3464) says failed or was delayed. */
export interface BouncedRecipient {
  /** Lower-case address from Final-Recipient (or Original-Recipient). */
  address: string;
  /** The enhanced status code, e.g. "5.1.1" (permanent) or "4.2.2" (transient). */
  status: string;
  /** Diagnostic-Code, or the Action when there is none, for the address's last_reason. */
  reason: string;
}

/**
 * The failed recipients of a delivery status notification (multipart/report; report-type=delivery-status), or null
 * when the mail is not one. Recipients whose Action is "delivered", "relayed" or "expanded" are not failures and are
 * left out. mailparser folds the message/delivery-status part into the text, so the part is cut from the raw bytes
 * (it is 7-bit text by definition), falling back to the parsed text.
 */
export function readDeliveryReport(raw: Buffer, parsed: ParsedMail): BouncedRecipient[] | null {
  const type = parsed.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report') return null;
  if ((type.params?.['report-type'] ?? '').toLowerCase() !== 'delivery-status') return null;
  const status = statusPart(raw.toString('latin1')) ?? parsed.text ?? '';
  return recipientsOf(status);
}

/** The body of the message/delivery-status part, up to the next MIME boundary. */
function statusPart(raw: string): string | null {
  const m =
    /content-type:\s*message\/(?:global-)?delivery-status[^\n]*\n(?:[ \t][^\n]*\n|[^\n]+\n)*?\r?\n/i.exec(
      raw,
    );
  if (!m) return null;
  const start = m.index + m[0].length;
  const end = raw.indexOf('\n--', start);
  return raw.slice(start, end >= 0 ? end : undefined);
}

/** Per-recipient field groups (blank-line separated), unfolded, read into recipients. Pure. */
export function recipientsOf(status: string): BouncedRecipient[] {
  const groups = status
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/);
  const out: BouncedRecipient[] = [];
  for (const group of groups) {
    const fields = new Map<string, string>();
    for (const line of group.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    const code = /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(fields.get('status') ?? '')?.[0];
    if (!recipient || !code) continue;
    const action = (fields.get('action') ?? '').toLowerCase();
    if (action === 'delivered' || action === 'relayed' || action === 'expanded' || code.startsWith('2'))
      continue;
    // "rfc822; gone@customer.example" (the address type is usually rfc822).
    const address = recipient
      .replace(/^[^;]*;\s*/, '')
      .replace(/^<|>$/g, '')
      .trim()
      .toLowerCase();
    if (!address.includes('@')) continue;
    out.push({
      address,
      status: code,
      reason: fields.get('diagnostic-code') ?? `${action || 'failed'} ${code}`,
    });
  }
  return out;
}
