/**
 * Request and response schemas of the public API. The same schemas validate requests and generate the
 * OpenAPI document, so the documentation cannot disagree with the behaviour. Written with zod's mini API
 * (functions and checks rather than methods): the api function compiles half as much zod at cold start.
 */
import * as z from 'zod/mini';
import { ENQUIRY_STATUSES, MAX_DESCRIPTION_LENGTH } from '../domain/enquiry.ts';
import { lazily } from './define-route.ts';
import { documented, titled } from './openapi-parts.ts';
import { addressText, multiLineText, singleLineText } from './text-rules.ts';

/** A UK postcode, any case, with or without the space; stored as `AB12 3CD`. */
const UK_POSTCODE = /^([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})$/;

export const EnquiryLocationSchema = lazily(() =>
  titled(
    'EnquiryLocation',
    z
      .strictObject({
        postcode: z.optional(
          z.pipe(
            singleLineText(10).check(
              z.refine((s: string) => UK_POSTCODE.test(s), 'must be a UK postcode, e.g. TN23 1PL'),
            ),
            z.transform((s: string) => s.replace(UK_POSTCODE, '$1 $2').toUpperCase()),
          ),
        ),
        address: z.optional(addressText(500)),
        latitude: z.optional(z.number().check(z.gte(-90), z.lte(90))),
        longitude: z.optional(z.number().check(z.gte(-180), z.lte(180))),
      })
      .check(
        z.refine((l) => (l.latitude === undefined) === (l.longitude === undefined), {
          message: 'latitude and longitude must be given together',
          path: ['latitude'],
        }),
      ),
  ),
);

export const SafeContactSchema = lazily(() =>
  titled(
    'SafeContactPreferences',
    z.strictObject({
      mayEmail: documented(z.boolean(), {
        description: 'It is safe to email the enquirer at the given address.',
      }),
      mayPhone: documented(z.boolean(), {
        description: 'It is safe to phone the enquirer on the given number.',
      }),
      mayLeaveVoicemail: documented(z._default(z.boolean(), false), {
        description: 'A message may be left on that phone. Absent means no.',
      }),
      safeTimes: z.optional(
        documented(singleLineText(200), {
          description: 'When it is safe to make contact, in the enquirer’s words.',
          examples: ['Weekday mornings before 11am'],
        }),
      ),
      preferredLanguage: z.optional(documented(singleLineText(50), { examples: ['Polish'] })),
    }),
  ),
);

/** An email address, as the public gives it and a subject access request looks it up. */
export const EmailSchema = lazily(() =>
  documented(z.pipe(singleLineText(254), z.email('must be an email address')), {
    examples: ['sam@example.com'],
  }),
);

/** A telephone number in any usual way of writing it (see `normalisePhone`). */
export const PhoneSchema = lazily(() =>
  documented(
    z
      .string()
      .check(z.regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a telephone number (digits, spaces, +, -, brackets)')),
    { examples: ['01632 960001'] },
  ),
);

export const NewEnquirySchema = lazily(() =>
  titled(
    'NewEnquiry',
    z.strictObject({
      category: documented(
        z
          .string()
          .check(
            z.maxLength(64),
            z.regex(/^[a-z0-9-]+$/, 'must be a category code from GET /enquiry-categories'),
          ),
        { examples: ['anti-social-behaviour'] },
      ),
      description: documented(multiLineText(MAX_DESCRIPTION_LENGTH), {
        description: `What is happening, in the enquirer's words (at most ${MAX_DESCRIPTION_LENGTH} characters).`,
        examples: [
          'Groups gathering and shouting outside the shops on the High Street most evenings after 10pm.',
        ],
      }),
      name: z.optional(documented(singleLineText(200), { examples: ['Sam Smith'] })),
      email: z.optional(EmailSchema()),
      phone: z.optional(PhoneSchema()),
      location: z.optional(EnquiryLocationSchema()),
      happeningNow: documented(z._default(z.boolean(), false), {
        description: 'The problem is happening right now.',
      }),
      safeContact: documented(
        z._default(SafeContactSchema(), { mayEmail: false, mayPhone: false, mayLeaveVoicemail: false }),
        {
          description: 'Channels the enquirer says are safe. Absent means neither: we never assume consent.',
        },
      ),
    }),
  ),
);
export type NewEnquiryBody = z.infer<ReturnType<typeof NewEnquirySchema>>;

export const EnquiryAcceptedSchema = lazily(() =>
  titled(
    'EnquiryAccepted',
    z.object({
      reference: documented(z.string(), { examples: ['CSU-2026-000123'] }),
      status: z.enum(ENQUIRY_STATUSES),
      receivedAt: z.string(),
      statusUrl: documented(z.string(), {
        description: 'Link the enquirer can use to check progress. Keep it private.',
      }),
      acknowledgement: documented(z.enum(['requested', 'limited', 'not-requested']), {
        description:
          'requested: an acknowledgement is on its way; limited: this address has had 3 acknowledgements in the last 24 hours, so the enquiry is stored and routed without one; not-requested: no address, or email is not safe.',
      }),
      urgentAdvice: z.optional(
        documented(
          z.object({
            message: z.string(),
            emergencyNumber: z.string(),
            urgentPhone: z.string(),
            urgentPhoneHours: z.string(),
          }),
          { description: 'Present when happeningNow is true: show it to the enquirer at once.' },
        ),
      ),
    }),
  ),
);

export const EnquiryCategorySchema = lazily(() =>
  titled(
    'EnquiryCategory',
    z.object({
      code: z.string(),
      title: z.string(),
      description: z.string(),
      sensitive: documented(z.boolean(), {
        description: 'Show safety advice on the form (e.g. domestic abuse).',
      }),
    }),
  ),
);

export const EnquiryCategoryListSchema = lazily(() =>
  titled('EnquiryCategoryList', z.object({ categories: z.array(EnquiryCategorySchema()) })),
);

export const ProblemSchema = lazily(() =>
  titled(
    'Problem',
    z.object({
      type: documented(z.string(), {
        description: 'What kind of problem: `urn:csp:problem:<slug>`, stable for clients to branch on',
        examples: ['urn:csp:problem:validation-failed'],
      }),
      title: z.string(),
      status: z.int(),
      detail: z.optional(z.string()),
      instance: z.optional(documented(z.string(), { description: 'The path of the request' })),
      errors: z.optional(
        documented(z.array(z.object({ field: z.string(), message: z.string() })), {
          description: 'Each invalid field, and what is wrong with it',
        }),
      ),
      allowed: z.optional(
        documented(z.array(z.string()), {
          description: 'What is possible instead, e.g. a case’s next statuses',
        }),
      ),
    }),
  ),
);

export const ReferenceParamSchema = lazily(() =>
  z.object({
    reference: documented(z.string().check(z.maxLength(32)), { examples: ['CSU-2026-000123'] }),
  }),
);

export const StatusTokenQuerySchema = lazily(() =>
  z.object({ token: z.string().check(z.minLength(1), z.maxLength(128)) }),
);

export const IdempotencyHeaderSchema = lazily(() =>
  z.object({
    'idempotency-key': z.optional(
      documented(
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(255),
            z.regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters'),
          ),
        {
          description:
            'Retrying with the same key and body returns the first response and creates nothing new.',
        },
      ),
    ),
  }),
);
