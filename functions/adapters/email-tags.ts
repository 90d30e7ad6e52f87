/**
 * Our email id as an SES message tag value. SES allows only letters, digits, `_` and `-` in tag values, so the
 * id (topic, kind, recipient: references and ids, never personal data) travels as base64url JSON.
 */
import { EMAIL_KINDS, type EmailId } from '../domain/ports.ts';

export function encodeEmailId(id: EmailId): string {
  return Buffer.from(JSON.stringify([id.topic, id.kind, id.recipientId])).toString('base64url');
}

/** The email id a tag names; undefined for a value this system did not write. */
export function decodeEmailId(tag: string): EmailId | undefined {
  try {
    const [topic, kind, recipientId] = JSON.parse(
      Buffer.from(tag, 'base64url').toString('utf8'),
    ) as unknown[];
    if (typeof topic !== 'string' || typeof recipientId !== 'string') return undefined;
    if (!EMAIL_KINDS.includes(kind as EmailId['kind'])) return undefined;
    return { topic, kind: kind as EmailId['kind'], recipientId };
  } catch {
    return undefined;
  }
}
