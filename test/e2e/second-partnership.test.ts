/**
 * A second partnership needs data only: the fictional Northmere's file starts a local cloud of its own
 * (`npm start -- --partnership partnerships/northmere.json`), which lists Northmere's categories, routes to
 * Northmere's agencies, signs as its team and rotates its chair between its own roles.
 */
import path from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudProcess, startCloudProcess } from '../../local/cloud-process.ts';
import { freePorts, portVariables } from '../../local/ports.ts';
import { loadPartnershipFile } from '../../scripts/seed/partnership-file.ts';
import type { paths } from '../support/api-schema.ts';
import { eventually, type StoredEmail } from '../support/local-cloud.ts';

const FILE = path.resolve(import.meta.dirname, '../../partnerships/northmere.json');
const northmere = loadPartnershipFile(FILE);

let second: CloudProcess;
/** The second cloud's API, typed by the same contract as the first's (apiClient() calls the first). */
let api: Client<paths>;

beforeAll(async () => {
  second = await startCloudProcess({
    args: ['--in-memory', '--no-schedules', '--partnership', FILE],
    env: {
      ...portVariables(await freePorts()),
      CSP_LOCAL_TIME_SCALE: '0.02',
      CSP_OUTBOX_GRACE_SECONDS: '0',
      // Its responses are held to the contract too: a violation answers 500 and fails the test that asked.
      CSP_LOCAL_CHECK_CONTRACT: '1',
    },
  });
  api = createClient<paths>({ baseUrl: second.urls.api });
}, 120_000);

afterAll(async () => {
  await second?.stop();
});

async function emailsAbout(reference: string): Promise<StoredEmail[]> {
  // Raw: the second cloud's SES emulator store is not part of the API.
  const response = await fetch(`${second.urls.sesInbox}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.subject.includes(reference));
}

describe('a second partnership from its file alone', () => {
  it('lists its own categories, in its order, and none of Ashford’s', async () => {
    const { data, response } = await api.GET('/enquiry-categories');
    const categories = data!.categories;

    expect(response.status).toBe(200);
    expect(categories.map((c) => c.code)).toEqual(northmere.categories.map((c) => c.code));
    expect(categories.map((c) => c.code)).not.toContain('parking');
  });

  it('routes an enquiry to its own agencies and its own team, and acknowledges it in its name', async () => {
    const { data, response } = await api.POST('/enquiries', {
      body: {
        category: 'river-and-towpath',
        description: 'A boat moored across the towpath by the lock',
        email: 'river.walker@resident.example',
        happeningNow: false,
        safeContact: { mayEmail: true, mayPhone: false },
      },
    });
    const { reference } = data!;

    const emails = await eventually(async () => {
      const found = await emailsAbout(reference);
      return found.length >= 4 ? found : undefined;
    }, 'the referrals and the acknowledgement');
    const recipients = emails.flatMap((e) => e.destination.to).sort();

    expect(response.status).toBe(201);
    expect(recipients).toEqual(
      [
        'community.safety@northmere.gov.example',
        'environment@northmere.gov.example',
        'river.walker@resident.example',
        'wardens@northmere-river.example',
      ].sort(),
    );
    const acknowledgement = emails.find((e) => e.destination.to.includes('river.walker@resident.example'))!;
    expect(acknowledgement.from).toContain('Northmere Community Safety Team');
    expect(acknowledgement.body.text).toContain('01632 960000');
    expect(JSON.stringify(emails)).not.toMatch(/ashford/i);
  });

  it('publishes its own profile: roles, meetings and a chair rotating between police, council and fire', async () => {
    const [profile, chair, plans] = await Promise.all([
      api.GET('/partnership'),
      api.GET('/chair'),
      api.GET('/plans'),
    ]);

    expect([profile.response.status, chair.response.status, plans.response.status]).toEqual([200, 200, 200]);
    expect(profile.data).toMatchObject({
      name: 'Northmere Community Safety Partnership',
      meetingPattern: northmere.profile.meetingPattern,
      chairRotation: {
        roles: ['police', 'local-authority', 'fire-and-rescue'],
        organisations: [
          { id: 'westshire-police', name: 'Westshire Police' },
          { id: 'northmere-district-council', name: 'Northmere District Council' },
          { id: 'westshire-fire', name: 'Westshire Fire and Rescue Service' },
        ],
        termStarts: '09-01',
      },
    });
    // Terms start on 1 September; the term from September 2024 was the police's, then council, then fire.
    const today = new Date();
    const termYear = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
    const inTurn = ['westshire-police', 'northmere-district-council', 'westshire-fire'];
    expect(chair.data!.organisationId).toBe(inTurn[(termYear - 2024) % 3]);
    expect(plans.data!.plans.map((p) => p.period)).toEqual(['2025-28']);
  });
});
