/**
 * Ashford Community Safety Partnership, from its public page (shared/seed/ashford-community-safety-partnership.txt).
 * Agency mailboxes are placeholders on the reserved `.example` domain until each agency confirms its referral
 * address; everything else is as published.
 */
import type {
  Agency,
  EnquiryCategory,
  Partnership,
  RoutingRule,
} from '../../functions/domain/partnership.ts';

/** Everything enquiry handling needs about one partnership. */
export interface PartnershipSeed {
  readonly partnership: Partnership;
  readonly agencies: readonly Agency[];
  /** In the order the contact form should list them. */
  readonly categories: readonly EnquiryCategory[];
  readonly routing: readonly RoutingRule[];
}

const mailbox = (local: string, domain: string) => `${local}@${domain}.example`;

export const ASHFORD: PartnershipSeed = {
  partnership: {
    id: 'ashford',
    name: 'Ashford Community Safety Partnership',
    csuName: 'Ashford Community Safety Unit',
    csuMailbox: mailbox('community.safety', 'ashford.gov'),
    urgentPhone: '01233 331111',
    urgentPhoneHours: 'weekends',
    // A placeholder, like the mailboxes, until the council confirms where its notice for the CSP lives.
    privacyNoticeUrl: 'https://www.ashford.gov.example/community-safety-privacy-notice',
  },
  agencies: [
    // Safeguarding agencies: the only ones sensitive enquiries (domestic abuse, exploitation…) are routed to.
    {
      id: 'kent-police',
      name: 'Kent Police',
      email: mailbox('ashford.csu', 'kent.police'),
      safeguarding: true,
    },
    {
      id: 'abc-community-safety',
      name: 'Ashford Borough Council – Community Safety',
      email: mailbox('community.safety.team', 'ashford.gov'),
      safeguarding: true,
    },
    {
      id: 'abc-housing',
      name: 'Ashford Borough Council – Housing',
      email: mailbox('housing', 'ashford.gov'),
      safeguarding: true,
    },
    {
      id: 'abc-parking',
      name: 'Ashford Borough Council – Parking',
      email: mailbox('parking', 'ashford.gov'),
    },
    {
      id: 'abc-licensing',
      name: 'Ashford Borough Council – Licensing',
      email: mailbox('licensing', 'ashford.gov'),
    },
    {
      id: 'abc-environmental',
      name: 'Ashford Borough Council – Environmental Health',
      email: mailbox('environmental.health', 'ashford.gov'),
    },
    {
      id: 'housing-associations',
      name: 'Housing Associations',
      email: mailbox('ashford.referrals', 'housing'),
    },
    {
      id: 'kcc-community-wardens',
      name: 'KCC Community Wardens',
      email: mailbox('community.wardens', 'kent.gov'),
    },
    {
      id: 'kent-fire-rescue',
      name: 'Kent Fire and Rescue Service',
      email: mailbox('ashford.safety', 'kent.fire'),
    },
    {
      id: 'apac',
      name: 'Ashford Partnership Against Crime (APAC)',
      email: mailbox('info', 'apac'),
    },
    {
      id: 'substance-misuse-services',
      name: 'Alcohol and Substance Misuse Services (youth and adult)',
      email: mailbox('ashford.referrals', 'substance-misuse'),
    },
    { id: 'street-pastors', name: 'Ashford Street Pastors', email: mailbox('ashford', 'street-pastors') },
    {
      id: 'youth-services',
      name: 'Sk8side and Uprising Youth Services',
      email: mailbox('referrals', 'youth-services'),
    },
    {
      id: 'kcc-trading-standards',
      name: 'KCC Trading Standards',
      email: mailbox('trading.standards', 'kent.gov'),
    },
    { id: 'age-uk', name: 'Age UK', email: mailbox('ashford', 'ageuk') },
    {
      id: 'ashford-mediation',
      name: 'Ashford Mediation Service',
      email: mailbox('referrals', 'ashford-mediation'),
    },
  ],
  categories: [
    {
      code: 'anti-social-behaviour',
      title: 'Anti-social behaviour',
      description: 'Rowdy or intimidating behaviour, vandalism, graffiti, nuisance in public places.',
      sensitive: false,
    },
    {
      code: 'violence',
      title: 'Violence',
      description: 'Threats, fights, assaults or weapons in the community.',
      sensitive: false,
    },
    {
      code: 'domestic-abuse',
      title: 'Domestic abuse',
      description:
        'Abuse by a partner, ex-partner or family member: physical, emotional, financial or controlling behaviour.',
      sensitive: true,
    },
    {
      code: 'sexual-offences',
      title: 'Sexual offences',
      description: 'Sexual assault, harassment or exploitation.',
      sensitive: true,
    },
    {
      code: 'hate-crime',
      title: 'Hate crime',
      description:
        'Abuse, threats or attacks targeting someone because of their race, religion, disability, sexual orientation or gender identity.',
      sensitive: true,
    },
    {
      code: 'modern-slavery-and-exploitation',
      title: 'Modern slavery and exploitation',
      description:
        'Someone forced to work, controlled by others, or exploited for money, sex or crime (including "county lines").',
      sensitive: true,
    },
    {
      code: 'child-exploitation',
      title: 'Child exploitation',
      description:
        "A child being groomed, exploited or abused. If a child is in immediate danger, call 999. You can also contact Kent County Council children's social care directly on 03000 41 11 11 (out of hours 03000 41 91 91).",
      sensitive: true,
    },
    {
      code: 'drugs-and-alcohol',
      title: 'Drugs and alcohol',
      description: 'Drug dealing or use, street drinking, and help with alcohol or substance misuse.',
      sensitive: false,
    },
    {
      code: 'noise-and-environment',
      title: 'Noise and environment',
      description: 'Noise nuisance, fly-tipping, dog fouling, litter and other environmental problems.',
      sensitive: false,
    },
    {
      code: 'housing-and-tenancy',
      title: 'Housing and tenancy',
      description: 'Problems involving council or housing association homes and tenancies.',
      sensitive: false,
    },
    {
      code: 'parking',
      title: 'Parking',
      description: 'Dangerous or obstructive parking and abandoned vehicles.',
      sensitive: false,
    },
    {
      code: 'licensed-premises',
      title: 'Licensed premises',
      description: 'Problems linked to pubs, clubs, off-licences and late-night venues.',
      sensitive: false,
    },
    {
      code: 'scams-and-trading-standards',
      title: 'Scams and trading standards',
      description: 'Scams, rogue traders, doorstep crime and counterfeit or unsafe goods.',
      sensitive: false,
    },
    {
      code: 'fire-safety-and-arson',
      title: 'Fire safety and arson',
      description: 'Deliberate fires, fire risks and home fire safety.',
      sensitive: false,
    },
    {
      code: 'young-people',
      title: 'Young people',
      description: 'Concerns about or for young people, and youth activities and support.',
      sensitive: false,
    },
    {
      code: 'older-or-vulnerable-people',
      title: 'Older or vulnerable people',
      description: 'Concerns for the safety or wellbeing of an older or vulnerable person.',
      sensitive: false,
    },
    {
      code: 'neighbour-disputes',
      title: 'Neighbour disputes',
      description: 'Ongoing disagreements between neighbours that mediation may help with.',
      sensitive: false,
    },
    {
      code: 'general-community-safety',
      title: 'General community safety',
      description: 'Anything else about community safety in the borough of Ashford.',
      sensitive: false,
    },
  ],
  routing: [
    {
      category: 'anti-social-behaviour',
      agencyIds: ['kent-police', 'abc-community-safety', 'kcc-community-wardens'],
    },
    { category: 'violence', agencyIds: ['kent-police'] },
    { category: 'domestic-abuse', agencyIds: ['kent-police', 'abc-community-safety'] },
    { category: 'sexual-offences', agencyIds: ['kent-police'] },
    { category: 'hate-crime', agencyIds: ['kent-police', 'abc-community-safety'] },
    { category: 'modern-slavery-and-exploitation', agencyIds: ['kent-police', 'abc-community-safety'] },
    { category: 'child-exploitation', agencyIds: ['kent-police'] },
    { category: 'drugs-and-alcohol', agencyIds: ['kent-police', 'substance-misuse-services'] },
    { category: 'noise-and-environment', agencyIds: ['abc-environmental'] },
    { category: 'housing-and-tenancy', agencyIds: ['abc-housing', 'housing-associations'] },
    { category: 'parking', agencyIds: ['abc-parking'] },
    { category: 'licensed-premises', agencyIds: ['abc-licensing', 'kent-police', 'street-pastors'] },
    { category: 'scams-and-trading-standards', agencyIds: ['kcc-trading-standards'] },
    { category: 'fire-safety-and-arson', agencyIds: ['kent-fire-rescue'] },
    { category: 'young-people', agencyIds: ['youth-services', 'kcc-community-wardens'] },
    { category: 'older-or-vulnerable-people', agencyIds: ['age-uk', 'kcc-community-wardens'] },
    { category: 'neighbour-disputes', agencyIds: ['ashford-mediation'] },
    { category: 'general-community-safety', agencyIds: [] },
  ],
};
