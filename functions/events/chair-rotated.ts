import { type EventDefinition, GOVERNANCE_SOURCE } from './envelope.ts';
import { type DataOf, eventSchema, optional } from './event-schema.ts';

/** Data of `ChairRotated` v1: a new chair term started. Organisation ids only; the mailer reads the rest. */
const CHAIR_ROTATED = {
  startsOn: 'date',
  endsOn: 'date',
  organisationId: 'string',
  previousOrganisationId: optional('string'),
} as const;
export type ChairRotated = DataOf<typeof CHAIR_ROTATED>;
export const chairRotatedSchema = eventSchema(CHAIR_ROTATED, 'data.');

/** Published once per term by the chair rotation job; every partner's representatives are told by email. */
export const ChairRotatedEvent: EventDefinition<ChairRotated> = {
  source: GOVERNANCE_SOURCE,
  detailType: 'ChairRotated',
  version: 1,
  schema: chairRotatedSchema,
};
