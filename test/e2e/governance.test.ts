/**
 * Governance records end to end: public reads of the seeded Ashford data match the seed page, and the chair
 * rotation job changes the chair once per term and tells every partner representative once.
 */
import { describe, expect, it } from 'vitest';
import { ASHFORD_GOVERNANCE } from '../../scripts/seed/ashford.ts';
import { apiClient, type Schemas } from '../support/api-client.ts';
import type { operations } from '../support/api-schema.ts';
import { allEmails, fireSchedule, waitForQuiet } from '../support/local-cloud.ts';

type Partner = Schemas['PartnerPage']['partners'][number];
type PartnerQuery = NonNullable<operations['listPartners']['parameters']['query']>;

/** Every read here is public: no token. */
const api = apiClient();

/** The seed page's lists, word for word. */
/** "Kent, Surrey and Sussex Community Rehabilitation Company and/or National Probation Service" is two records. */
const STATUTORY_ON_PAGE = [
  'Kent Police',
  'Kent County Council (Community Safety)',
  'Kent Fire and Rescue Service',
  'Kent, Surrey and Sussex Community Rehabilitation Company',
  'The Probation Service (Kent, Surrey and Sussex; the National Probation Service until June 2021)',
  'Ashford Clinical Commissioning Group',
];
const OTHER_ON_PAGE = [
  'Ashford Borough Council Member – Portfolio Holder for Highways, Wellbeing and Safety',
  'Ashford Domestic Abuse Forum',
  'Kent County Council Member',
  'Early Help and Preventative Services/Local Children’s Partnership Group (KCC)',
  'Head Teachers Forum',
  'Tenterden Town Council',
];

async function allPartners(query: PartnerQuery): Promise<Partner[]> {
  const partners: Partner[] = [];
  let cursor: string | undefined;
  do {
    const { data, response } = await api.GET('/partners', { params: { query: { ...query, cursor } } });
    expect(response.status).toBe(200);
    partners.push(...data!.partners);
    cursor = data!.cursor;
  } while (cursor);
  return partners;
}

describe('public governance reads', () => {
  it('describe the partnership, its urgent number and how the chair rotates', async () => {
    const { data, response } = await api.GET('/partnership');

    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      name: 'Ashford Community Safety Partnership',
      urgentPhone: '01233 331111',
      chairRotation: {
        organisations: [
          { id: 'ashford-borough-council', name: 'Ashford Borough Council' },
          { id: 'kent-police', name: 'Kent Police' },
        ],
        cycle: 'yearly',
      },
    });
  });

  it('list the statutory partners of the seed page on its date, each with voting rights', async () => {
    const statutory = await allPartners({ kind: 'statutory', on: '2021-04-01' });

    expect(statutory.map((p) => p.name)).toEqual(['Ashford Borough Council', ...STATUTORY_ON_PAGE]);
    expect(statutory.every((p) => p.votingRights)).toBe(true);
  });

  it('list today’s statutory partners: the Probation Service and the ICB in place of the CRC and the CCG', async () => {
    const statutory = await allPartners({ kind: 'statutory' });

    expect(statutory.map((p) => p.id)).toEqual([
      'ashford-borough-council',
      'kent-police',
      'kcc-community-safety',
      'kent-fire-rescue',
      'probation-service',
      'nhs-kent-medway-icb',
    ]);
  });

  it('list the other partners of the seed page, none with voting rights', async () => {
    const other = await allPartners({ kind: 'other' });

    expect(other.map((p) => p.name)).toEqual(OTHER_ON_PAGE);
    expect(other.some((p) => p.votingRights)).toBe(false);
  });

  it('page through every partner with an opaque cursor, and refuse a forged one', async () => {
    const paged = await allPartners({ limit: 4 });
    const { data } = await api.GET('/partners', { params: { query: { limit: 100 } } });
    const forged = await api.GET('/partners', { params: { query: { cursor: 'not-a-cursor' } } });

    expect(paged.map((p) => p.id)).toEqual(data!.partners.map((p) => p.id));
    // Every organisation on record but the two whose memberships have ended (the CRC and the CCG).
    expect(paged).toHaveLength(ASHFORD_GOVERNANCE.organisations.length - 2);
    expect(forged.response.status).toBe(422);
    expect(forged.error).toMatchObject({ errors: [{ field: 'cursor' }] });
  });

  it("list 2021-22's priorities as published", async () => {
    const { data } = await api.GET('/priorities', { params: { query: { planYear: '2021-22' } } });

    expect(data!.priorities.map((p) => p.title)).toEqual([
      'Tackling violence',
      'Tackling domestic abuse and sexual offences',
      'Tackling anti-social behaviour',
      'Building community capacity and increasing public confidence',
    ]);
  });

  it('show the current chair, and a history that alternates between the council and Kent Police', async () => {
    const current = await api.GET('/chair');
    const history = await api.GET('/chair/history');

    expect(current.response.status).toBe(200);
    // Scoped to the term, so an ETag read before a rotation cannot change the next term.
    expect(current.response.headers.get('etag')).toMatch(new RegExp(`^"${current.data!.startsOn}\\.\\d+"$`));
    // Newest first: every term the rotation made hands the chair to the other organisation.
    const terms = history.data!.terms;
    terms.forEach((term, i) => {
      const previous = terms[i + 1];
      if (term.source === 'rotation' && previous)
        expect(term.organisationId).not.toBe(previous.organisationId);
    });
    expect(['ashford-borough-council', 'kent-police']).toContain(current.data!.organisationId);
  });
});

describe('the chair rotation job', () => {
  // Statutory, other and invited partners alike.
  const partnerRepresentatives = ASHFORD_GOVERNANCE.organisations
    .flatMap((o) => o.representatives.map((r) => r.email))
    .sort();

  it('starts the next term once however often it fires, and tells each partner representative once', async () => {
    const history = await api.GET('/chair/history');
    const latest = history.data!.terms[0]!;
    const nextStart = `${Number(latest.startsOn.slice(0, 4)) + 1}-04-01T00:05:00.000Z`;

    const runs = await Promise.all([
      fireSchedule('chair-rotation', nextStart),
      fireSchedule('chair-rotation', nextStart),
    ]);
    const again = await fireSchedule('chair-rotation', nextStart);
    await waitForQuiet();

    const recorded = runs.flatMap((r) => (r.value as { recorded: string[] }).recorded);
    expect(recorded).toEqual([nextStart.slice(0, 10)]);
    expect(again).toEqual({ ok: true, value: { recorded: [] } });
    const after = await api.GET('/chair/history');
    expect(after.data!.terms[0]).toMatchObject({
      startsOn: nextStart.slice(0, 10),
      organisationId: latest.organisationId === 'kent-police' ? 'ashford-borough-council' : 'kent-police',
    });
    const notices = (await allEmails()).filter((e) =>
      e.subject.includes(`from 1 April ${nextStart.slice(0, 4)}`),
    );
    expect(notices.map((e) => e.destination.to[0]).sort()).toEqual(partnerRepresentatives);
  });

  it('catches up missed terms in order and announces only the one in force', async () => {
    const history = await api.GET('/chair/history');
    const latestYear = Number(history.data!.terms[0]!.startsOn.slice(0, 4));

    const run = await fireSchedule('chair-rotation', `${latestYear + 3}-06-01T00:05:00.000Z`);
    await waitForQuiet();

    expect(run).toEqual({
      ok: true,
      value: {
        recorded: [1, 2, 3].map((n) => `${latestYear + n}-04-01`),
        announced: `${latestYear + 3}-04-01`,
      },
    });
    const emails = await allEmails();
    expect(emails.filter((e) => e.subject.includes(`from 1 April ${latestYear + 1}`))).toEqual([]);
    expect(emails.filter((e) => e.subject.includes(`from 1 April ${latestYear + 3}`))).toHaveLength(
      partnerRepresentatives.length,
    );
  });
});
