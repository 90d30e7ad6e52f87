/**
 * The one set of rules every piece of text the API accepts follows, public or staff. Text ends up in emails
 * (some of it in headers), logs, HTML pages and other people's screens, so:
 * - it must be valid Unicode (JSON may carry lone surrogates, `"\ud800"`, which no email can encode), without
 *   the replacement character that marks bytes lost in decoding;
 * - no C0 or C1 control characters, except the line breaks of free text (CRLF is stored as LF);
 * - a single line (names, titles, anything that can reach a header) also refuses U+2028/U+2029 and the
 *   bidirectional overrides and isolates that can make a line read differently from what it holds;
 * - an address may span lines (LF only), but refuses the same separators and direction tricks as a single line;
 * - it is trimmed, and blank text is refused.
 */
import * as z from 'zod/mini';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** Line and paragraph separators, and the bidi embeddings, overrides and isolates. */
const LINE_TRICKS = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** U+FFFD stands in for bytes that were not text: what it replaced is lost, so it is refused too. */
const REPLACED = /\ufffd/;

/** `checked`, then trimmed, and refused if nothing is left. */
const trimmedNotBlank = (checked: z.ZodMiniType<string, string>) =>
  z.pipe(
    z.pipe(
      checked,
      z.transform((s: string) => s.trim()),
    ),
    z.string().check(z.minLength(1, 'must not be blank')),
  );

/** One line of at most `max` characters: a name, a title, a mailbox. */
export const singleLineText = (max: number) =>
  trimmedNotBlank(
    z.string().check(
      z.refine((s: string) => s.isWellFormed() && !REPLACED.test(s), 'must be valid Unicode text'),
      z.maxLength(max),
      z.refine((s: string) => !CONTROLS.test(s), 'must be a single line without control characters'),
      z.refine(
        (s: string) => !LINE_TRICKS.test(s),
        'must not contain line separators or direction overrides',
      ),
    ),
  );

/** Free text of at most `max` characters that may span lines: a description, a note, a message. */
export const multiLineText = (max: number) => trimmedNotBlank(linesOfText(max, false));

/**
 * A postal address of at most `max` characters. An address is written on lines (house, street, town), so line
 * feeds stay; but staff read it and copy it into letters and referrals as they would a name, so it refuses the
 * line separators and direction overrides a name refuses.
 */
export const addressText = (max: number) => trimmedNotBlank(linesOfText(max, true));

/**
 * Valid Unicode of at most `max` characters, CRLF stored as LF, with no control but the line feed; with
 * `noLineTricks`, no U+2028/U+2029 or bidi overrides and isolates either.
 */
const linesOfText = (max: number, noLineTricks: boolean) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s: string) => s.replace(/\r\n/g, '\n')),
    ),
    z.string().check(
      z.refine((s: string) => s.isWellFormed() && !REPLACED.test(s), 'must be valid Unicode text'),
      z.maxLength(max),
      z.refine((s: string) => !CONTROLS_BUT_NEWLINE.test(s), 'must not contain control characters'),
      z.refine(
        (s: string) => !(noLineTricks && LINE_TRICKS.test(s)),
        'must not contain line separators or direction overrides',
      ),
    ),
  );
