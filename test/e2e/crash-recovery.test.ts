/**
 * `kill -9` of the whole local cloud in the middle of a burst of enquiries: after a restart on the same data,
 * the DynamoDB Local the dead run left behind is stopped, every queued message (waiting, in flight or backing
 * off) is still there, and every stored enquiry's emails go exactly once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { type CloudProcess, startCloudProcess } from '../../local/cloud-process.ts';
import { freePorts, portVariables } from '../../local/ports.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import type { paths } from '../support/api-schema.ts';

const ENQUIRIES = 40;
/** Killed once this many submissions have been answered: the rest are on the wire or not yet sent. */
const KILL_AFTER_ANSWERS = 15;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The local cloud's control endpoints are no part of the API contract: called raw, here and below.
const idle = (cloud: CloudProcess) => async () => {
  const response = await fetch(`${cloud.urls.control}/idle`);
  return ((await response.json()) as { idle: boolean }).idle;
};

/** The references of every stored enquiry whose description carries `marker`, read from the table itself. */
async function storedReferences(cloud: CloudProcess, marker: string): Promise<string[]> {
  const dynamo = new DynamoDBClient({
    endpoint: cloud.urls.dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Items = [] } = await dynamo.send(
      new ScanCommand({
        TableName: 'csp-local',
        FilterExpression: '#type = :enquiry AND contains(description, :marker)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':enquiry': { S: 'Enquiry' }, ':marker': { S: marker } },
      }),
    );
    return Items.map((item) => String(item.reference?.S)).sort();
  } finally {
    dynamo.destroy();
  }
}

describe('kill -9 of the local cloud mid-burst', () => {
  it('loses no message and sends no email twice once it is restarted', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'csp-crash-'));
    const env = {
      ...portVariables(await freePorts()),
      CSP_DATA_DIR: dataDir,
      CSP_LOCAL_TIME_SCALE: '0.02',
      CSP_OUTBOX_GRACE_SECONDS: '0',
      // Its responses are held to the contract too.
      CSP_LOCAL_CHECK_CONTRACT: '1',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    };
    const marker = randomUUID().slice(0, 8);
    let second: CloudProcess | undefined;
    try {
      const first = await startCloudProcess({ args: ['--no-schedules'], env });
      // Emails wait in the (journalled) mail queue while routing runs, so none is mid-send when the process
      // dies: a send SES accepted but the ledger never heard of is the one duplicate no queue can prevent
      // (docs/delivery.md). A control endpoint: raw.
      await fetch(`${first.urls.control}/queues/delivery`, {
        method: 'PUT',
        body: JSON.stringify({ paused: true, queue: 'mail' }),
      });
      let answered = 0;
      const accepted: string[] = [];
      // The typed client, on this test's own cloud rather than the shared one.
      const api = createClient<paths>({ baseUrl: first.urls.api });
      const burst = Array.from({ length: ENQUIRIES }, async (_, i) => {
        try {
          const { data, response } = await api.POST('/enquiries', {
            body: {
              category: 'parking',
              description: `Van on the pavement ${marker} number ${i}`,
              email: `crash.${marker}.${i}@resident.example`,
              safeContact: { mayEmail: true, mayPhone: false },
            },
          });
          if (response.status === 201 && data?.reference) accepted.push(data.reference);
        } catch {
          // The cloud died under this request: it may or may not have been stored.
        } finally {
          answered += 1;
        }
      });
      await until(async () => answered >= KILL_AFTER_ANSWERS, 'the first answers');
      await first.kill();
      await Promise.all(burst);

      // The same data, the same ports: DynamoDB Local from the dead run still holds its port until this start
      // finds it by its pid file and stops it.
      second = await startCloudProcess({ args: ['--no-schedules'], env });
      const cloud = second;
      // Fires the outbox sweeper through the control endpoint: raw.
      const sweep = () =>
        fetch(`${cloud.urls.control}/schedules/enquiry-outbox-sweeper/fire`, { method: 'POST', body: '{}' });
      await sweep();
      await until(idle(cloud), 'the queues to drain');
      await sweep();
      await until(idle(cloud), 'the queues to drain again');

      const stored = await storedReferences(cloud, marker);
      expect(stored.length).toBeGreaterThanOrEqual(accepted.length);
      expect(stored).toEqual(expect.arrayContaining(accepted));
      const sent = readFileSync(path.join(dataDir, 'ses-sent.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { to: string[]; subject: string });
      const parkingMailbox = ASHFORD.agencies.find((agency) => agency.id === 'abc-parking')!.email;
      for (const reference of stored) {
        const recipients = sent
          .filter((email) => email.subject.includes(reference))
          .flatMap((email) => email.to)
          .sort();
        const enquirer = recipients.find((to) => to.startsWith(`crash.${marker}.`));
        // Exactly one acknowledgement, one referral to the agency and one to the CSU: none lost, none twice.
        expect(recipients, reference).toEqual(
          [enquirer, parkingMailbox, ASHFORD.partnership.csuMailbox].map(String).sort(),
        );
      }
    } finally {
      await second?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
