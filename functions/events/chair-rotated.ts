import * as z from 'zod/mini';
import { type EventDefinition, GOVERNANCE_SOURCE } from './envelope.ts';

/** Data of `ChairRotated` v1: a new chair term started. Organisation ids only; the mailer reads the rest. */
export const chairRotatedSchema = z.object({
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
  organisationId: z.string(),
  previousOrganisationId: z.optional(z.string()),
});
export type ChairRotated = z.infer<typeof chairRotatedSchema>;

/** Published once per term by the chair rotation job; every partner's representatives are told by email. */
export const ChairRotatedEvent: EventDefinition<ChairRotated> = {
  source: GOVERNANCE_SOURCE,
  detailType: 'ChairRotated',
  version: 1,
  schema: chairRotatedSchema,
};
