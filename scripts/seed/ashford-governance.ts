/**
 * Ashford Community Safety Partnership's governance records, from its public page
 * (shared/seed/ashford-community-safety-partnership.txt). Representatives' names and mailboxes are
 * placeholders on the reserved `.example` domain until each organisation confirms them.
 */
import type { ChairRotationPolicy } from '../../functions/domain/chair-rotation.ts';
import type { Organisation, PartnerKind } from '../../functions/domain/governance.ts';
import type { StrategicAssessment } from '../../functions/domain/records.ts';

/** A partnership's public profile and governance records. */
export interface GovernanceSeed {
  readonly profile: {
    readonly area: string;
    readonly description: string;
    readonly chairRotation: ChairRotationPolicy;
    /** Votes needed for a motion to be decided. */
    readonly quorum: number;
  };
  readonly organisations: readonly Organisation[];
  readonly priorities: readonly { readonly planYear: string; readonly titles: readonly string[] }[];
  readonly assessments: readonly StrategicAssessment[];
}

/** The date from which the seeded memberships are recorded (the page does not date them). */
const RECORDED_FROM = '2021-04-01';

function organisation(id: string, name: string, kind: PartnerKind, csuAgency = false): Organisation {
  return {
    id,
    name,
    memberships: [{ kind, startsOn: RECORDED_FROM }],
    representatives: [
      {
        id: `${id}-rep`,
        name: `${name} representative`,
        role: 'Partnership representative',
        email: `csp.representative@${id}.example`,
      },
    ],
    csuAgency,
  };
}

export const ASHFORD_GOVERNANCE: GovernanceSeed = {
  profile: {
    area: 'Borough of Ashford, Kent',
    description:
      'The statutory Community Safety Partnership for the borough of Ashford under the Crime and Disorder Act 1998: the responsible authorities work together, with local public, private, community and voluntary groups, to protect local communities from crime and help people feel safe.',
    // "The chair alternates yearly between the local authority and Kent Police."
    chairRotation: {
      organisationIds: ['ashford-borough-council', 'kent-police'],
      termStartMonth: 4,
      termStartDay: 1,
      anchor: { startYear: 2021, organisationId: 'ashford-borough-council' },
    },
    quorum: 4,
  },
  organisations: [
    // The local authority administers the partnership and is itself a responsible authority.
    organisation('ashford-borough-council', 'Ashford Borough Council', 'statutory', true),
    // "Statutory partners ... each have voting rights."
    organisation('kent-police', 'Kent Police', 'statutory', true),
    organisation('kcc-community-safety', 'Kent County Council (Community Safety)', 'statutory'),
    organisation('kent-fire-rescue', 'Kent Fire and Rescue Service', 'statutory', true),
    organisation(
      'probation',
      'Kent, Surrey and Sussex Community Rehabilitation Company and/or National Probation Service',
      'statutory',
    ),
    organisation('ashford-ccg', 'Ashford Clinical Commissioning Group', 'statutory'),
    // "Other partners"
    organisation(
      'abc-portfolio-holder',
      'Ashford Borough Council Member – Portfolio Holder for Highways, Wellbeing and Safety',
      'other',
    ),
    organisation('ashford-domestic-abuse-forum', 'Ashford Domestic Abuse Forum', 'other'),
    organisation('kcc-member', 'Kent County Council Member', 'other'),
    organisation(
      'early-help',
      'Early Help and Preventative Services/Local Children’s Partnership Group (KCC)',
      'other',
    ),
    organisation('head-teachers-forum', 'Head Teachers Forum', 'other'),
    organisation('tenterden-town-council', 'Tenterden Town Council', 'other'),
    // "Other agencies are invited to attend as appropriate": the CSU's agencies that are not partners.
    organisation('housing-associations', 'Housing Associations', 'invited', true),
    organisation('kcc-community-wardens', 'KCC Community Wardens', 'invited', true),
    organisation('apac', 'Ashford Partnership Against Crime (APAC)', 'invited', true),
    organisation(
      'substance-misuse-services',
      'Alcohol and Substance Misuse Services (youth and adult)',
      'invited',
      true,
    ),
    organisation('street-pastors', 'Ashford Street Pastors', 'invited', true),
    organisation('youth-services', 'Sk8side and Uprising Youth Services', 'invited', true),
    organisation('kcc-trading-standards', 'KCC Trading Standards', 'invited', true),
    organisation('age-uk', 'Age UK', 'invited', true),
    organisation('ashford-mediation', 'Ashford Mediation Service', 'invited', true),
  ],
  priorities: [
    {
      planYear: '2021-22',
      titles: [
        'Tackling violence',
        'Tackling domestic abuse and sexual offences',
        'Tackling anti-social behaviour',
        'Building community capacity and increasing public confidence',
      ],
    },
  ],
  assessments: [
    {
      planYear: '2021-22',
      // The page gives no publication date; the start of the plan year stands in until the document is added.
      publishedOn: '2021-04-01',
      summary:
        'The annual strategic assessment provides information and understanding of community safety issues within the borough of Ashford, and identified the priorities for 2021-22.',
      findings: [
        'Tackling violence',
        'Tackling domestic abuse and sexual offences',
        'Tackling anti-social behaviour',
        'Building community capacity and increasing public confidence',
      ],
    },
  ],
};
