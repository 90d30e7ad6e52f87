import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/governance-ports.ts';
import type {
  Action,
  ActionUpdate,
  Meeting,
  PartnershipPlan,
  PublishedDocument,
  RecordsRepository,
  StrategicAssessment,
} from '../domain/records.ts';
import { queryPartition, writeAuditedChange } from './dynamodb-helpers.ts';
import { ASSESSMENT_PARTITION, DOCUMENT_PARTITION, keys, PLAN_PARTITION } from './table-keys.ts';

type Item = Record<string, unknown>;

/** Strategic assessments, the action plan and meetings, in the single table. */
export class DynamoDbRecordsRepository implements RecordsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listAssessments(): Promise<(StrategicAssessment & { version: number })[]> {
    return (await this.partition(ASSESSMENT_PARTITION, false)).map(
      ({ PK: _pk, SK: _sk, type: _type, version, ...item }) =>
        ({ ...item, version: Number(version ?? 1) }) as StrategicAssessment & { version: number },
    );
  }

  async saveAssessment(
    assessment: StrategicAssessment,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ): Promise<void> {
    await this.saveVersioned(
      { ...keys.assessment(assessment.planYear), type: 'Assessment', ...assessment },
      expectedVersion,
      audit,
    );
  }

  async listDocuments(): Promise<PublishedDocument[]> {
    return (await this.partition(DOCUMENT_PARTITION, false)).map(
      ({ PK: _pk, SK: _sk, type: _type, ...item }) => item as unknown as PublishedDocument,
    );
  }

  async getDocument(id: string): Promise<PublishedDocument | undefined> {
    return (await this.listDocuments()).find((document) => document.id === id);
  }

  async addDocument(document: PublishedDocument, audit: AuditEntry): Promise<void> {
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.document(document.publishedOn, document.id), type: 'Document', ...document },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
      audit,
    );
  }

  async listPlans(): Promise<(PartnershipPlan & { version: number })[]> {
    return (await this.partition(PLAN_PARTITION, false)).map(
      ({ PK: _pk, SK: _sk, type: _type, version, ...item }) =>
        ({ ...item, version: Number(version ?? 1) }) as PartnershipPlan & { version: number },
    );
  }

  async savePlan(
    plan: PartnershipPlan,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ): Promise<void> {
    await this.saveVersioned({ ...keys.plan(plan.period), type: 'Plan', ...plan }, expectedVersion, audit);
  }

  /** Creates `item` (no expected version) or replaces it at the version read, with its audit entry. */
  private async saveVersioned(item: Item, expectedVersion: number | undefined, audit: AuditEntry) {
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...item, version: (expectedVersion ?? 0) + 1 },
            // Seeded records have no version until their first change: they count as version 1.
            ConditionExpression:
              expectedVersion === undefined
                ? 'attribute_not_exists(PK)'
                : 'attribute_exists(PK) AND (version = :expected OR (attribute_not_exists(version) AND :expected = :one))',
            ExpressionAttributeValues:
              expectedVersion === undefined ? undefined : { ':expected': expectedVersion, ':one': 1 },
          },
        },
      ],
      audit,
    );
  }

  /**
   * Every action with only its latest update: the history lives in items of its own (one per update), so an
   * action updated for years never outgrows DynamoDB's item size.
   */
  async listActions(): Promise<Action[]> {
    return (await this.partition('ACTION')).map(toAction);
  }

  /** One action with its whole history, oldest update first. */
  async getAction(id: string): Promise<Action | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.action(id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const updates = await this.partition(keys.actionUpdate(id, '').PK);
    return {
      ...toAction(Item),
      updates: updates.map(({ PK: _pk, SK: _sk, type: _type, ...u }) => u as unknown as ActionUpdate),
    };
  }

  async createAction(action: Action): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: actionItem(action),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...action.updates.map((update) => ({
            Put: { TableName: this.tableName, Item: updateItem(action.id, update) },
          })),
        ],
      }),
    );
  }

  async updateAction(action: Action, expectedVersion: number, audit: AuditEntry): Promise<void> {
    const latest = action.updates.at(-1);
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: actionItem(action),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        // Only the new update is written; earlier ones are already items of their own.
        ...(latest ? [{ Put: { TableName: this.tableName, Item: updateItem(action.id, latest) } }] : []),
      ],
      audit,
    );
  }

  async listMeetings(): Promise<Meeting[]> {
    return (await this.partition('MEETING', false)).map(toMeeting);
  }

  async getMeeting(id: string): Promise<Meeting | undefined> {
    return (await this.listMeetings()).find((m) => m.id === id);
  }

  async putMeeting(meeting: Meeting): Promise<void> {
    await this.put({ ...keys.meeting(meeting.date, meeting.id), type: 'Meeting', ...meeting });
  }

  async setMinutes(
    meeting: Pick<Meeting, 'id' | 'date'>,
    minutes: NonNullable<Meeting['minutes']>,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<void> {
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.meeting(meeting.date, meeting.id),
            UpdateExpression: 'SET minutes = :minutes, version = :next',
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: {
              ':minutes': minutes,
              ':expected': expectedVersion,
              ':next': expectedVersion + 1,
            },
          },
        },
      ],
      audit,
    );
  }

  private async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  private partition(pk: string, ascending = true): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, pk, { ascending });
  }
}

/** The action's own item: everything but its history, plus the latest update for lists. */
function actionItem({ updates, ...action }: Action): Item {
  return { ...keys.action(action.id), type: 'Action', ...action, latestUpdate: updates.at(-1) };
}

function updateItem(actionId: string, update: ActionUpdate): Item {
  return { ...keys.actionUpdate(actionId, `${update.at}#${randomUUID()}`), type: 'ActionUpdate', ...update };
}

function toAction({ PK: _pk, SK: _sk, type: _type, latestUpdate, ...item }: Item): Action {
  return {
    ...(item as unknown as Omit<Action, 'updates'>),
    updates: latestUpdate ? [latestUpdate as ActionUpdate] : [],
  };
}

function toMeeting({ PK: _pk, SK: _sk, type: _type, ...item }: Item): Meeting {
  return item as unknown as Meeting;
}
