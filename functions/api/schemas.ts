/**
 * Request and response schemas of the public API. The same schemas validate requests and generate the
 * OpenAPI document, so the documentation cannot disagree with the behaviour.
 */
import * as z from 'zod';
import { ENQUIRY_STATUSES, MAX_DESCRIPTION_LENGTH } from '../domain/enquiry.ts';
import { lazily } from './define-route.ts';

// Fields that can reach an email header (or a log line) must be a single line: CR/LF would let a value
// inject headers. Other control characters are never legitimate input.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
// Free text may span lines but must not carry other control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/**
 * A string that is valid Unicode: JSON may carry lone surrogates (`"\ud800"`), which no email can encode, so
 * accepting one would store an enquiry that can never be sent.
 */
const text = () => z.string().refine((s) => s.isWellFormed(), 'must be valid Unicode text');

const singleLine = (max: number) =>
  text()
    .max(max)
    .regex(SINGLE_LINE, 'must be a single line without control characters')
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'must not be blank'));

const multiLine = (max: number) =>
  text()
    .max(max)
    .regex(MULTI_LINE, 'must not contain control characters')
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'must not be blank'));

/** A UK postcode, any case, with or without the space; stored as `AB12 3CD`. */
const UK_POSTCODE = /^([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})$/;

export const EnquiryLocationSchema = lazily(() =>
  z
    .strictObject({
      postcode: singleLine(10)
        .refine((s) => UK_POSTCODE.test(s), 'must be a UK postcode, e.g. TN23 1PL')
        .transform((s) => s.replace(UK_POSTCODE, '$1 $2').toUpperCase())
        .optional(),
      address: multiLine(500).optional(),
      latitude: z.number().min(-90).max(90).optional(),
      longitude: z.number().min(-180).max(180).optional(),
    })
    .refine((l) => (l.latitude === undefined) === (l.longitude === undefined), {
      message: 'latitude and longitude must be given together',
      path: ['latitude'],
    })
    .meta({ title: 'EnquiryLocation' }),
);

export const SafeContactSchema = lazily(() =>
  z
    .strictObject({
      mayEmail: z.boolean().meta({ description: 'It is safe to email the enquirer at the given address.' }),
      mayPhone: z.boolean().meta({ description: 'It is safe to phone the enquirer on the given number.' }),
    })
    .meta({ title: 'SafeContactPreferences' }),
);

export const NewEnquirySchema = lazily(() =>
  z
    .strictObject({
      category: z
        .string()
        .max(64)
        .regex(/^[a-z0-9-]+$/, 'must be a category code from GET /enquiry-categories')
        .meta({ examples: ['anti-social-behaviour'] }),
      description: multiLine(MAX_DESCRIPTION_LENGTH).meta({
        description: `What is happening, in the enquirer's words (at most ${MAX_DESCRIPTION_LENGTH} characters).`,
        examples: [
          'Groups gathering and shouting outside the shops on the High Street most evenings after 10pm.',
        ],
      }),
      name: singleLine(200)
        .optional()
        .meta({ examples: ['Sam Smith'] }),
      email: z
        .string()
        .max(254)
        .regex(SINGLE_LINE, 'must be a single line without control characters')
        .pipe(z.email('must be an email address'))
        .optional()
        .meta({ examples: ['sam@example.com'] }),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a telephone number (digits, spaces, +, -, brackets)')
        .optional()
        .meta({ examples: ['01233 330000'] }),
      location: EnquiryLocationSchema().optional(),
      happeningNow: z.boolean().default(false).meta({ description: 'The problem is happening right now.' }),
      safeContact: SafeContactSchema().default({ mayEmail: false, mayPhone: false }).meta({
        description: 'Channels the enquirer says are safe. Absent means neither: we never assume consent.',
      }),
    })
    .meta({ title: 'NewEnquiry' }),
);
export type NewEnquiryBody = z.infer<ReturnType<typeof NewEnquirySchema>>;

export const EnquiryAcceptedSchema = lazily(() =>
  z
    .object({
      reference: z.string().meta({ examples: ['CSU-2026-000123'] }),
      status: z.enum(ENQUIRY_STATUSES),
      receivedAt: z.string(),
      statusUrl: z
        .string()
        .meta({ description: 'Link the enquirer can use to check progress. Keep it private.' }),
    })
    .meta({ title: 'EnquiryAccepted' }),
);

export const EnquiryStatusSchema = lazily(() =>
  z
    .object({
      reference: z.string(),
      status: z.enum(ENQUIRY_STATUSES),
      statusDescription: z.string(),
      receivedAt: z.string(),
      updatedAt: z.string(),
    })
    .meta({ title: 'EnquiryStatus' }),
);

export const EnquiryCategorySchema = lazily(() =>
  z
    .object({
      code: z.string(),
      title: z.string(),
      description: z.string(),
      sensitive: z.boolean().meta({ description: 'Show safety advice on the form (e.g. domestic abuse).' }),
    })
    .meta({ title: 'EnquiryCategory' }),
);

export const EnquiryCategoryListSchema = lazily(() =>
  z.object({ categories: z.array(EnquiryCategorySchema()) }).meta({ title: 'EnquiryCategoryList' }),
);

export const ProblemSchema = lazily(() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string().optional(),
      instance: z.string().optional(),
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    })
    .meta({ title: 'Problem' }),
);

export const ReferenceParamSchema = lazily(() =>
  z.object({
    reference: z
      .string()
      .max(32)
      .meta({ examples: ['CSU-2026-000123'] }),
  }),
);

export const StatusTokenQuerySchema = lazily(() =>
  z.object({
    token: z.string().min(1).max(128),
  }),
);

export const IdempotencyHeaderSchema = lazily(() =>
  z.object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters')
      .optional()
      .meta({
        description:
          'Retrying with the same key and body returns the first response and creates nothing new.',
      }),
  }),
);
