import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/governance-ports.ts';
import type { Agency, EnquiryCategory, Partnership, RoutingRule } from '../domain/partnership.ts';
import type { ReferenceDataRepository, VersionedRoutingRule } from '../domain/ports.ts';
import { queryPartition, writeAuditedChange } from './dynamodb-helpers.ts';
import { AGENCY_PARTITION, CATEGORY_PARTITION, keys } from './table-keys.ts';

/** The partnership, its enquiry categories, its agencies and the routing table, in the single table. */
export class DynamoDbReferenceDataRepository implements ReferenceDataRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getPartnership(): Promise<Partnership | undefined> {
    const item = await this.getItem(keys.partnership());
    if (!item) return undefined;
    return {
      id: String(item.id),
      name: String(item.name),
      csuName: String(item.csuName),
      csuMailbox: String(item.csuMailbox),
      urgentPhone: String(item.urgentPhone),
      urgentPhoneHours: String(item.urgentPhoneHours),
      privacyNoticeUrl: typeof item.privacyNoticeUrl === 'string' ? item.privacyNoticeUrl : undefined,
    };
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
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
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
      ],
      audit,
    );
  }

  async listAgencies(): Promise<Agency[]> {
    const items = await this.queryPartition(AGENCY_PARTITION);
    return items.map((item) => ({
      id: String(item.id),
      name: String(item.name),
      email: String(item.email),
      safeguarding: item.safeguarding === true,
    }));
  }

  /*
   * Seeding adds what is missing and never overwrites: reference data belongs to the partnership once it is
   * there (staff change routing and targets through the API), so seeding again (every local start, every
   * deploy's seed run) only fills in categories, agencies, rules and fields that a newer seed brings.
   */

  /** Seeds the enquiry part of the partnership record, leaving its governance part as it is. */
  async seedPartnership(partnership: Partnership): Promise<void> {
    await this.addMissing(keys.partnership(), { type: 'Partnership', ...partnership });
  }

  /** Seeds a category; `position` orders the public list. */
  async seedCategory(category: EnquiryCategory, position: number): Promise<void> {
    await this.addMissing(keys.category(category.code), { type: 'EnquiryCategory', ...category, position });
  }

  async seedAgency(agency: Agency): Promise<void> {
    await this.addMissing(keys.agency(agency.id), { type: 'Agency', ...agency });
  }

  async seedRoutingRule(rule: RoutingRule): Promise<void> {
    await this.addMissing(keys.routingRule(rule.category), { type: 'RoutingRule', ...rule });
  }

  /** Sets each of `fields` the item does not have yet, creating the item if need be. */
  private async addMissing(key: { PK: string; SK: string }, fields: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      }),
    );
  }

  private async getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return Item;
  }

  private queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.client, this.tableName, pk);
  }
}

function toCategory(item: Record<string, unknown>): EnquiryCategory & { position: number } {
  return {
    code: String(item.code),
    title: String(item.title),
    description: String(item.description),
    sensitive: Boolean(item.sensitive),
    position: Number(item.position ?? 0),
  };
}
