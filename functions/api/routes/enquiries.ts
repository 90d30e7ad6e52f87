/** `POST /enquiries`: the public submits an enquiry to the Community Safety Unit. */
import { consentsToEmail, statusUrl } from '../../domain/enquiry.ts';
import type {
  Clock,
  EnquiryRepository,
  EventPublisher,
  PersonalDataHasher,
  ReferenceDataRepository,
} from '../../domain/ports.ts';
import { submitEnquiry } from '../../domain/use-cases/submit-enquiry.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, type RouteDefinition } from '../define-route.ts';
import { logSubmission, toNewEnquiry, urgentAdvice } from '../enquiry-intake.ts';
import { jsonResponse, problemResponses } from '../openapi-parts.ts';
import { EnquiryAcceptedSchema, IdempotencyHeaderSchema, NewEnquirySchema } from '../schemas.ts';

export interface EnquiryRouteDeps {
  readonly enquiries: EnquiryRepository;
  /** Categories are checked against it, and urgent numbers read from it; a module-scope cache in the Lambda. */
  readonly referenceData: Pick<ReferenceDataRepository, 'getCategory' | 'getPartnership'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly personalData: PersonalDataHasher;
  /** Base of the status links we hand out. */
  readonly statusPageBaseUrl: string;
}

/** The enquiry submission route. */
export function enquiryRoutes(deps: EnquiryRouteDeps): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.submitEnquiry,
      () => ({
        summary: 'Submit an enquiry to the Community Safety Unit',
        headers: IdempotencyHeaderSchema(),
        body: NewEnquirySchema(),
        responses: {
          201: jsonResponse(
            'Stored; acknowledgement and routing follow within seconds',
            EnquiryAcceptedSchema(),
            ['Location', 'Idempotent-Replayed'],
          ),
          ...problemResponses(400, 409, 413, 415, 422, 500),
        },
      }),
      async (c, { headers, body }) => {
        const result = await submitEnquiry(deps, {
          enquiry: toNewEnquiry(body),
          idempotencyKey: headers['idempotency-key'],
        });
        const { enquiry } = result;
        logSubmission(c.var.log, result);
        const link = statusUrl(deps.statusPageBaseUrl, enquiry);
        // Happening now: the form shows what to do at once, before any email could arrive.
        const partnership = enquiry.happeningNow ? await deps.referenceData.getPartnership() : undefined;
        c.header('Location', link);
        if (result.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json(
          {
            reference: enquiry.reference,
            // The body describes the acceptance, so a replay answers exactly as the first request did even after
            // the enquiry has moved on; its current status is behind statusUrl.
            status: 'received',
            receivedAt: enquiry.receivedAt,
            statusUrl: link,
            acknowledgement: enquiry.acknowledgementLimited
              ? 'limited'
              : consentsToEmail(enquiry)
                ? 'requested'
                : 'not-requested',
            ...(partnership ? { urgentAdvice: urgentAdvice(partnership) } : {}),
          },
          201,
        );
      },
    ),
  ];
}
