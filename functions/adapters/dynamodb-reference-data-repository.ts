import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { RecordConflict } from '../domain/errors.ts';
import type { AuditEntry } from '../domain/governance-ports.ts';
import type { Agency, EnquiryCategory, Partnership, RoutingRule } from '../domain/partnership.ts';
import type { ReferenceDataRepository, VersionedRoutingRule } from '../domain/ports.ts';
import { toAgency, toCategory, toPartnership } from './directory-items.ts';
import {
  bumpDirectoryVersion,
  cancellationReason,
  queryPartition,
  type TransactItem,
  writeAuditedChange,
} from './dynamodb-helpers.ts';
import { AGENCY_PARTITION, CATEGORY_PARTITION, keys, ROUTING_CHANGES } from './table-keys.ts';

/** The partnership, its enquiry categories, its agencies and the routing table, in the single table. */
export class DynamoDbReferenceDataRepository implements ReferenceDataRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getPartnership(): Promise<Partnership | undefined> {
    const item = await this.getItem(keys.partnership());
    return item && toPartnership(item);
  }

  async listCategories(): Promise<EnquiryCategory[]> {
    const items = await this.queryPartition(CATEGORY_PARTITION);
    return items
      .map(toCategory)
      .sort((a, b) => a.position - b.position || a.title.localeCompare(b.title))
      .map(({ position: _position, ...category }) => category);
  }

  async getCategory(code: string): Promise<EnquiryCategory | undefined> {
    const item = await this.getItem(keys.category(code));
    if (!item) return undefined;
    const { position: _position, ...category } = toCategory(item);
    return category;
  }

  async getRoutingRule(category: string): Promise<VersionedRoutingRule | undefined> {
    const item = await this.getItem(keys.routingRule(category));
    if (!item) return undefined;
    return {
      category,
      agencyIds: (item.agencyIds as string[] | undefined) ?? [],
      targets: item.targets as RoutingRule['targets'],
      version: Number(item.version ?? 1),
    };
  }

  async updateRoutingRule(rule: RoutingRule, expectedVersion: number, audit: AuditEntry): Promise<void> {
    // Each agency named must be active, and counts one more routing change: a deactivation checked against the
    // rules before this change then fails on that count (see DynamoDbDirectoryRepository.updateAgency).
    const agenciesNamed: TransactItem[] = rule.agencyIds.map((id) => ({
      Update: {
        TableName: this.tableName,
        Key: keys.agency(id),
        UpdateExpression: `ADD ${ROUTING_CHANGES} :one`,
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(active) OR active = :true)',
        ExpressionAttributeValues: { ':true': true, ':one': 1 },
      },
    }));
    const change: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.routingRule(rule.category),
          UpdateExpression: rule.targets
            ? 'SET agencyIds = :ids, targets = :targets, version = :next'
            : 'SET agencyIds = :ids, version = :next REMOVE targets',
          // Seeded rules have no version yet: they count as version 1.
          ConditionExpression:
            'attribute_exists(PK) AND (version = :expected OR (attribute_not_exists(version) AND :expected = :one))',
          ExpressionAttributeValues: {
            ':ids': rule.agencyIds,
            ...(rule.targets ? { ':targets': rule.targets } : {}),
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
            ':one': 1,
          },
        },
      },
      ...agenciesNamed,
    ];
    try {
      await writeAuditedChange(this.client, this.tableName, change, audit);
    } catch (error) {
      const index = agenciesNamed.findIndex(
        (_, i) => cancellationReason(error, 1 + i) === 'ConditionalCheckFailed',
      );
      if (index >= 0) {
        throw new RecordConflict(`Agency ${rule.agencyIds[index]} was deactivated meanwhile.`, [
          { field: 'agencyIds', message: `${rule.agencyIds[index]} is not active` },
        ]);
      }
      throw error;
    }
    await bumpDirectoryVersion(this.client, this.tableName);
  }

  async listAgencies(): Promise<Agency[]> {
    return (await this.queryPartition(AGENCY_PARTITION)).map(toAgency);
  }

  async getDirectoryVersion(): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.directoryVersion(),
        ConsistentRead: true,
        ProjectionExpression: 'version',
      }),
    );
    return Number(Item?.version ?? 0);
  }

  private async getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    // Strongly consistent: a cache that reloads because the directory changed must see that change.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  private queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.client, this.tableName, pk, { consistent: true });
  }
}
