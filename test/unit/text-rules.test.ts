/** The one set of text rules: what single-line and free text accept, refuse and store. */
import { describe, expect, it } from 'vitest';
import { PlanYearSchema } from '../../functions/api/openapi-parts.ts';
import { EnquiryLocationSchema } from '../../functions/api/schemas.ts';
import { addressText, multiLineText, singleLineText } from '../../functions/api/text-rules.ts';

const line = singleLineText(50);
const free = multiLineText(50);

describe('singleLineText', () => {
  it.each([
    ['a line feed', 'Sam\nSmith'],
    ['a carriage return', 'Sam\rSmith'],
    ['a tab', 'Sam\tSmith'],
    ['a C1 control (NEL)', 'Sam\u0085Smith'],
    ['DEL', 'Sam\u007fSmith'],
    ['a line separator', 'Sam\u2028Smith'],
    ['a paragraph separator', 'Sam\u2029Smith'],
    ['a right-to-left override', 'Sam\u202eSmith'],
    ['a left-to-right embedding', 'Sam\u202aSmith'],
    ['a first-strong isolate', 'Sam\u2068Smith'],
    ['a lone surrogate', 'Sam\ud800'],
    ['the replacement character of bytes lost in decoding', 'Caf\ufffd'],
    ['blank text', '   '],
    ['text over the limit', 'x'.repeat(51)],
  ])('refuses %s', (_what, value) => {
    expect(line.safeParse(value).success).toBe(false);
  });

  it('keeps letters of any script, and stores the text trimmed', () => {
    expect(line.parse('  Zoë Łukasiewicz-محمد  ')).toBe('Zoë Łukasiewicz-محمد');
  });
});

describe('multiLineText', () => {
  it('keeps line breaks, storing CRLF as LF, and trims the ends', () => {
    expect(free.parse('  First line\r\nSecond line\nThird  ')).toBe('First line\nSecond line\nThird');
  });

  it.each([
    ['a tab', 'a\tb'],
    ['a NUL', 'a\u0000b'],
    ['a C1 control', 'a\u009bb'],
    ['a lone carriage return', 'a\rb'],
    ['a lone surrogate', 'a\udc00'],
    ['blank lines only', '\n\n  \n'],
  ])('refuses %s', (_what, value) => {
    expect(free.safeParse(value).success).toBe(false);
  });
});

describe('addressText', () => {
  const address = addressText(50);

  it('keeps the lines of a postal address, storing CRLF as LF', () => {
    expect(address.parse(' 1 High Street\r\nAshford\nTN23 1PL ')).toBe('1 High Street\nAshford\nTN23 1PL');
  });

  it.each([
    ['a line separator', '1 High Street\u2028Ashford'],
    ['a paragraph separator', '1 High Street\u2029Ashford'],
    ['a right-to-left override', '1 High \u202eteertS'],
    ['a right-to-left isolate', '1 High \u2067Street\u2069'],
    ['a tab', '1 High\tStreet'],
    ['a C1 control', '1 High\u0085Street'],
    ['blank lines only', '\n \n'],
  ])('refuses %s', (_what, value) => {
    expect(address.safeParse(value).success).toBe(false);
  });

  it('is the rule of an enquiry location’s address', () => {
    const location = EnquiryLocationSchema();
    expect(location.safeParse({ address: '1 High Street\nAshford' }).success).toBe(true);
    expect(location.safeParse({ address: '1 High Street\u202eAshford' }).success).toBe(false);
  });
});

describe('PlanYearSchema', () => {
  it.each([
    ['2021-22', true],
    ['2099-00', true],
    ['2021-23', false],
    ['2021-21', false],
    ['21-22', false],
  ])('%s is a plan year: %s', (value, valid) => {
    expect(PlanYearSchema().safeParse(value).success).toBe(valid);
  });
});
