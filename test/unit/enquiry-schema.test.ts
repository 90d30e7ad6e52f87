import { describe, expect, it } from 'vitest';
import { NewEnquirySchema } from '../../functions/api/schemas.ts';

const valid = { category: 'parking', description: 'Van on the pavement' };

describe('NewEnquirySchema()', () => {
  it('defaults to no consent and not happening now', () => {
    const parsed = NewEnquirySchema().parse(valid);

    expect(parsed.safeContact).toEqual({ mayEmail: false, mayPhone: false, mayLeaveVoicemail: false });
    expect(parsed.happeningNow).toBe(false);
  });

  it('takes structured safe-contact preferences, each validated like the rest', () => {
    const safeContact = {
      mayEmail: false,
      mayPhone: true,
      mayLeaveVoicemail: true,
      safeTimes: 'Weekday mornings before 11am',
      preferredLanguage: 'Polish',
    };

    const parsed = NewEnquirySchema().parse({ ...valid, safeContact });
    const tooLong = NewEnquirySchema().safeParse({
      ...valid,
      safeContact: { ...safeContact, safeTimes: 'x'.repeat(201) },
    });
    const twoLines = NewEnquirySchema().safeParse({
      ...valid,
      safeContact: { ...safeContact, safeTimes: 'mornings\nnot evenings' },
    });
    const unknown = NewEnquirySchema().safeParse({
      ...valid,
      safeContact: { ...safeContact, mayWrite: true },
    });

    expect(parsed.safeContact).toEqual(safeContact);
    expect(tooLong.success).toBe(false);
    expect(twoLines.success).toBe(false);
    expect(unknown.success).toBe(false);
  });

  it('normalises postcodes and trims free text', () => {
    const parsed = NewEnquirySchema().parse({
      ...valid,
      description: '  text  ',
      location: { postcode: 'tn231pl' },
    });

    expect(parsed.location?.postcode).toBe('TN23 1PL');
    expect(parsed.description).toBe('text');
  });

  it('keeps line breaks in the description but not in header-bound fields', () => {
    expect(NewEnquirySchema().safeParse({ ...valid, description: 'line one\r\nline two' }).success).toBe(
      true,
    );
    for (const field of ['name', 'email', 'phone']) {
      const result = NewEnquirySchema().safeParse({ ...valid, [field]: 'a\nb@example.com' });
      expect(result.success, field).toBe(false);
      expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
    }
  });

  it('rejects control characters other than line breaks anywhere', () => {
    expect(NewEnquirySchema().safeParse({ ...valid, description: 'bell\u0007' }).success).toBe(false);
    expect(NewEnquirySchema().safeParse({ ...valid, name: 'nul\u0000' }).success).toBe(false);
  });

  it('accepts exactly 4,000 characters of description and refuses 4,001', () => {
    expect(NewEnquirySchema().safeParse({ ...valid, description: 'x'.repeat(4000) }).success).toBe(true);
    expect(NewEnquirySchema().safeParse({ ...valid, description: 'x'.repeat(4001) }).success).toBe(false);
  });

  it('refuses unknown fields, so typos are not silently dropped', () => {
    const result = NewEnquirySchema().safeParse({
      ...valid,
      safeContact: { mayEmail: true, mayPhone: false, mayText: true },
    });
    expect(result.success).toBe(false);
  });
});
