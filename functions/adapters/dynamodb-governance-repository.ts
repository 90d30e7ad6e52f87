import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ChairTerm } from '../domain/chair-rotation.ts';
import type { Organisation } from '../domain/governance.ts';
import type {
  AuditEntry,
  GovernanceRepository,
  Motion,
  PartnershipProfile,
  PlanYear,
  Priority,
  RecordedChairTerm,
} from '../domain/governance-ports.ts';
import type { Vote } from '../domain/voting.ts';
import { toOrganisation, toProfile } from './directory-items.ts';
import {
  cancellationReason,
  queryPartition,
  whenConditionHolds,
  writeAuditedChange,
} from './dynamodb-helpers.ts';
import { CHAIR_TERM_PARTITION, keys, ORGANISATION_PARTITION, PRIORITY_PARTITION } from './table-keys.ts';

type Item = Record<string, unknown>;

/**
 * The item is at the version the caller read. Items recorded before versions existed have none and are read as
 * version 1, so an absent version matches 1.
 */
const VERSION_MATCHES =
  'attribute_exists(PK) AND (version = :expected OR (attribute_not_exists(version) AND :expected = :one))';

/** The partnership profile, organisations, chair terms and plan priorities, in the single table. */
export class DynamoDbGovernanceRepository implements GovernanceRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProfile(): Promise<PartnershipProfile | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.partnership() }),
    );
    return Item && toProfile(Item);
  }

  async listOrganisations(): Promise<Organisation[]> {
    const items = await this.queryPartition(ORGANISATION_PARTITION);
    return items
      .map((item) => ({ organisation: toOrganisation(item), position: Number(item.position ?? 0) }))
      .sort((a, b) => a.position - b.position || a.organisation.id.localeCompare(b.organisation.id))
      .map(({ organisation }) => organisation);
  }

  async listChairTerms(): Promise<RecordedChairTerm[]> {
    const items = await this.queryPartition(CHAIR_TERM_PARTITION, false);
    return items.map((item) => ({
      startsOn: String(item.startsOn),
      endsOn: String(item.endsOn),
      organisationId: String(item.organisationId),
      source: item.source as ChairTerm['source'],
      recordedAt: String(item.recordedAt),
      announcedAt: item.announcedAt as string | undefined,
      version: Number(item.version ?? 1),
    }));
  }

  async recordChairTerm(term: ChairTerm, at: string): Promise<'recorded' | 'exists'> {
    const recorded = await whenConditionHolds(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.chairTerm(term.startsOn), type: 'ChairTerm', ...term, recordedAt: at, version: 1 },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    return recorded ? 'recorded' : 'exists';
  }

  async claimChairTermAnnouncement(startsOn: string, now: Date, leaseSeconds: number): Promise<boolean> {
    return whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.chairTerm(startsOn),
          UpdateExpression: 'SET announcementLeaseUntil = :until',
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(announcedAt) AND (attribute_not_exists(announcementLeaseUntil) OR announcementLeaseUntil < :now)',
          ExpressionAttributeValues: { ':until': now.getTime() + leaseSeconds * 1000, ':now': now.getTime() },
        }),
      ),
    );
  }

  async markChairTermAnnounced(startsOn: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.chairTerm(startsOn),
        UpdateExpression: 'SET announcedAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async listPriorities(planYear?: string): Promise<Priority[]> {
    const years = planYear
      ? [
          (
            await this.client.send(
              new GetCommand({ TableName: this.tableName, Key: keys.planYear(planYear) }),
            )
          ).Item,
        ]
      : await this.queryPartition(PRIORITY_PARTITION);
    return years.flatMap((item) =>
      item
        ? (item.titles as string[]).map((title, i) => ({
            planYear: String(item.planYear),
            position: i + 1,
            title,
          }))
        : [],
    );
  }

  async getPlanYear(planYear: string): Promise<PlanYear | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.planYear(planYear), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      planYear,
      titles: Item.titles as string[],
      revisedOn: String(Item.revisedOn),
      version: Number(Item.version ?? 1),
    };
  }

  async putPlanYear(year: Omit<PlanYear, 'version'>, expectedVersion: number | undefined, audit: AuditEntry) {
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.planYear(year.planYear),
              type: 'PlanYear',
              ...year,
              version: (expectedVersion ?? 0) + 1,
            },
            // A new plan year must not exist yet; a revision must be of the version read. Items written before
            // versions existed are read as version 1, so they match 1 too.
            ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(PK)' : VERSION_MATCHES,
            ExpressionAttributeValues:
              expectedVersion === undefined ? undefined : { ':expected': expectedVersion, ':one': 1 },
          },
        },
      ],
      audit,
    );
  }

  async appointChair(startsOn: string, organisationId: string, expectedVersion: number, audit: AuditEntry) {
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.chairTerm(startsOn),
            UpdateExpression: 'SET organisationId = :org, #source = :appointment, version = :next',
            ConditionExpression: VERSION_MATCHES,
            ExpressionAttributeNames: { '#source': 'source' },
            ExpressionAttributeValues: {
              ':org': organisationId,
              ':appointment': 'appointment',
              ':expected': expectedVersion,
              ':next': expectedVersion + 1,
              ':one': 1,
            },
          },
        },
      ],
      audit,
    );
  }

  async listAudit(entity: string): Promise<AuditEntry[]> {
    const items = await this.queryPartition(`AUDIT#${entity}`, false);
    return items.map((item) => ({
      entity: String(item.entity),
      action: String(item.action),
      actor: String(item.actor),
      at: String(item.at),
      before: item.before,
      after: item.after,
    }));
  }

  async createMotion(motion: Omit<Motion, 'votes'>, meeting?: { id: string; date: string }): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.motion(motion.id), type: 'Motion', ...motion },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          // The meeting lists its motions, so its page shows them without a scan; both or neither.
          ...(meeting
            ? [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: keys.meeting(meeting.date, meeting.id),
                    UpdateExpression: 'SET motionIds = list_append(if_not_exists(motionIds, :none), :id)',
                    ConditionExpression: 'attribute_exists(PK)',
                    ExpressionAttributeValues: { ':none': [], ':id': [motion.id] },
                  },
                },
              ]
            : []),
        ],
      }),
    );
  }

  async getMotion(id: string): Promise<Motion | undefined> {
    const items = await this.queryPartition(keys.motion(id).PK);
    const motion = items.find((item) => item.SK === keys.motion(id).SK);
    if (!motion) return undefined;
    return {
      id: String(motion.id),
      title: String(motion.title),
      quorum: Number(motion.quorum),
      status: motion.status as Motion['status'],
      createdAt: String(motion.createdAt),
      ...(typeof motion.date === 'string' ? { date: motion.date } : {}),
      meetingId: motion.meetingId as string | undefined,
      closedAt: motion.closedAt as string | undefined,
      votes: items
        .filter((item) => item.type === 'Vote')
        .map((item) => ({
          organisationId: String(item.organisationId),
          choice: item.choice as Vote['choice'],
        })),
    };
  }

  async recordVote(
    motionId: string,
    vote: Vote,
    at: string,
  ): Promise<'recorded' | 'already-voted' | 'closed'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Only while the motion is open: a close racing this vote cannot be overtaken by it.
              ConditionCheck: {
                TableName: this.tableName,
                Key: keys.motion(motionId),
                ConditionExpression: '#status = :open',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':open': 'open' },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.vote(motionId, vote.organisationId), type: 'Vote', ...vote, at },
                // One vote per organisation, however many requests race.
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (cancellationReason(error, 0) === 'ConditionalCheckFailed') return 'closed';
      const voteReason = cancellationReason(error, 1);
      if (voteReason === 'ConditionalCheckFailed' || voteReason === 'TransactionConflict') {
        return 'already-voted';
      }
      throw error;
    }
  }

  async closeMotion(id: string, at: string): Promise<boolean> {
    return whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.motion(id),
          UpdateExpression: 'SET #status = :closed, closedAt = :at',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': at },
        }),
      ),
    );
  }

  private queryPartition(pk: string, ascending = true, skPrefix?: string): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, pk, { ascending, skPrefix });
  }
}
