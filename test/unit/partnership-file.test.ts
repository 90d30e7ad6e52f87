/**
 * The partnership file: Ashford's and the fictional Northmere's are valid; every kind of mistake a person
 * editing one can make is refused with the path of the field and what is wrong, all at once.
 */
import { describe, expect, it } from 'vitest';
import { ASHFORD_FILE } from '../../scripts/seed/ashford.ts';
import {
  governanceSeedOf,
  InvalidPartnershipFile,
  loadPartnershipFile,
  parsePartnershipFile,
  referenceSeedOf,
} from '../../scripts/seed/partnership-file.ts';
import { partnershipItems } from '../../scripts/seed/seed-partnership.ts';

// biome-ignore lint/suspicious/noExplicitAny: a test edits the file as free JSON, as a person would
type Json = any;

/** Ashford's file as JSON, changed by `change`. */
function ashfordWith(change: (file: Json) => void): unknown {
  const file: Json = structuredClone(ASHFORD_FILE);
  change(file);
  return file;
}

function problemsOf(content: unknown): { field: string; message: string }[] {
  try {
    parsePartnershipFile(content);
  } catch (error) {
    if (error instanceof InvalidPartnershipFile) return [...error.problems];
    throw error;
  }
  return [];
}

describe('partnership files', () => {
  it('accepts Ashford’s and Northmere’s', () => {
    expect(loadPartnershipFile('partnerships/northmere.json').id).toBe('northmere');
    expect(ASHFORD_FILE.id).toBe('ashford');
    expect(referenceSeedOf(ASHFORD_FILE).categories).toHaveLength(18);
    expect(governanceSeedOf(ASHFORD_FILE).organisations[1]?.representatives[0]?.id).toBe('kent-police-1');
  });

  it('records Ashford’s history: the CRC until June 2021, the CCG until 30 June 2022, the ICB after', () => {
    const memberships = (id: string) => ASHFORD_FILE.organisations.find((o) => o.id === id)?.memberships;

    expect(memberships('kss-crc')).toEqual([
      { kind: 'statutory', startsOn: '2021-04-01', endsOn: '2021-06-25' },
    ]);
    expect(memberships('ashford-ccg')).toEqual([
      { kind: 'statutory', startsOn: '2021-04-01', endsOn: '2022-06-30' },
    ]);
    expect(memberships('nhs-kent-medway-icb')).toEqual([{ kind: 'statutory', startsOn: '2022-07-01' }]);
    expect(ASHFORD_FILE.roles).toMatchObject({
      'local-authority': 'ashford-borough-council',
      police: 'kent-police',
    });
  });

  it('names every broken reference, duplicate and overlap at once', () => {
    const problems = problemsOf(
      ashfordWith((file) => {
        file.routing[0].agencyIds.push('ghost-agency');
        file.routing.push({ category: 'ghost-category', agencyIds: [] });
        file.agencies.push({ ...file.agencies[0] });
        file.roles.police = 'ghost-police';
        file.organisations[0].memberships.push({ kind: 'other', startsOn: '2022-01-01' });
        file.plans.push({
          period: '2021-24',
          title: 'Plan',
          adoptedOn: '2021-04-01',
          documentId: 'missing-document',
          years: [{ planYear: '2021-22', priorities: ['A'] }],
        });
      }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'routing.0.agencyIds.3', message: 'ghost-agency is not one of agencies' },
        {
          field: expect.stringMatching(/^routing\.\d+\.category$/),
          message: 'ghost-category is not one of categories',
        },
        { field: `agencies.${ASHFORD_FILE.agencies.length}`, message: 'kent-police appears twice' },
        { field: 'roles.police', message: 'ghost-police is not one of organisations' },
        {
          field: 'organisations.0.memberships.1.startsOn',
          message: 'overlaps the membership before it (oldest first)',
        },
        { field: 'plans.0.documentId', message: 'missing-document is not one of documents' },
        { field: 'plans.0.years', message: 'must give 2021-22, 2022-23, 2023-24 in order' },
      ]),
    );
  });

  it('refuses a membership starting on or before the last day of the one before, and nobody in the anchor role', () => {
    const problems = problemsOf(
      ashfordWith((file) => {
        const ccg = file.organisations.find((o: { id: string }) => o.id === 'ashford-ccg');
        ccg.memberships.push({ kind: 'other', startsOn: '2022-06-30' });
        delete file.roles['local-authority'];
      }),
    );

    expect(problems).toEqual([
      { field: 'roles', message: 'nobody holds local-authority, where the chair rotation starts' },
      {
        field: expect.stringMatching(/^organisations\.\d+\.memberships\.1\.startsOn$/),
        message: 'overlaps the membership before it (oldest first)',
      },
    ]);
  });

  it('refuses a sensitive category routed to an agency not cleared for safeguarding', () => {
    const problems = problemsOf(
      ashfordWith((file) => {
        file.routing
          .find((r: { category: string }) => r.category === 'domestic-abuse')
          .agencyIds.push('age-uk');
      }),
    );

    expect(problems).toEqual([
      {
        field: expect.stringMatching(/^routing\.\d+\.agencyIds\.2$/),
        message: 'age-uk is not a safeguarding agency, so it would never receive domestic-abuse (sensitive)',
      },
    ]);
  });

  it('refuses fields the API would refuse, and categories without a rule, in words a person reads', () => {
    const problems = problemsOf(
      ashfordWith((file) => {
        file.agencies[0].email = 'not an address';
        file.categories[0].code = 'Anti Social';
        file.profile.quorum = 0;
        file.profile.colour = 'blue';
        file.roles['lord-lieutenant'] = 'kent-police';
      }),
    );

    expect(problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['agencies.0.email', 'categories.0.code', 'profile.quorum', 'profile', 'roles']),
    );
    expect(problems.find((p) => p.field === 'profile.quorum')?.message).toMatch(/>=1/);
  });

  it('says why a file cannot be read or is not JSON', () => {
    expect(() => loadPartnershipFile('partnerships/missing.json')).toThrow(/cannot be read/);
    expect(() => loadPartnershipFile('package-lock.json')).toThrow(InvalidPartnershipFile);
  });

  it('makes one item per record, with the keys the adapters read', () => {
    const items = partnershipItems(ASHFORD_FILE);
    const records = items.map((i) => i.record);

    expect(records).toContain('agency kent-police');
    expect(records).toContain('document rolling-action-plan');
    expect(items.find((i) => i.record === 'partnership')?.key).toEqual({ PK: 'PARTNERSHIP', SK: 'PROFILE' });
    expect(items.find((i) => i.record === 'category parking')?.item).toMatchObject({
      position: 10,
      retired: false,
    });
  });
});
