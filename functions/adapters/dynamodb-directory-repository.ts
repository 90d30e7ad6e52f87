import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryRepository, PositionedCategory, Versioned } from '../domain/directory.ts';
import { RecordConflict, StaleVersion } from '../domain/errors.ts';
import type { Organisation } from '../domain/governance.ts';
import type { AuditEntry, PartnershipProfile } from '../domain/governance-ports.ts';
import type { Agency } from '../domain/partnership.ts';
import type { VersionedRoutingRule } from '../domain/ports.ts';
import { toAgency, toCategory, toOrganisation, toProfile } from './directory-items.ts';
import {
  bumpDirectoryVersion,
  queryPartition,
  type TransactItem,
  writeAuditedChange,
} from './dynamodb-helpers.ts';
import { keys, ORGANISATION_PARTITION, ROUTING_CHANGES, ROUTING_PARTITION } from './table-keys.ts';

type Item = Record<string, unknown>;
type Key = { PK: string; SK: string };

/**
 * At the version the caller read. Seeded items have no version until their first change: they count as 1.
 */
const AT_VERSION =
  'attribute_exists(PK) AND (version = :expected OR (attribute_not_exists(version) AND :expected = :one))';

/** The directory's records in the single table, each change with its audit entry and a directory version bump. */
export class DynamoDbDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProfile(): Promise<PartnershipProfile | undefined> {
    const item = await this.getItem(keys.partnership());
    return item && toProfile(item);
  }

  async updateProfile(
    profile: Omit<PartnershipProfile, 'version'>,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<void> {
    await this.replace(keys.partnership(), { type: 'Partnership', ...profile }, expectedVersion, audit);
  }

  async getOrganisation(id: string): Promise<Versioned<Organisation> | undefined> {
    const item = await this.getItem(keys.organisation(id));
    return item && { ...toOrganisation(item), version: Number(item.version ?? 1) };
  }

  async countOrganisations(): Promise<number> {
    return (await queryPartition(this.client, this.tableName, ORGANISATION_PARTITION)).length;
  }

  async createOrganisation(organisation: Organisation, position: number, audit: AuditEntry): Promise<void> {
    await this.create(
      keys.organisation(organisation.id),
      { type: 'Organisation', ...organisation, position },
      audit,
      `An organisation with id ${organisation.id} exists.`,
    );
  }

  async updateOrganisation(organisation: Organisation, expectedVersion: number, audit: AuditEntry) {
    await this.replace(
      keys.organisation(organisation.id),
      { type: 'Organisation', ...organisation },
      expectedVersion,
      audit,
    );
  }

  async getAgency(id: string) {
    const item = await this.getItem(keys.agency(id));
    return (
      item && {
        ...toAgency(item),
        version: Number(item.version ?? 1),
        routingChanges: Number(item[ROUTING_CHANGES] ?? 0),
      }
    );
  }

  async createAgency(agency: Agency, audit: AuditEntry): Promise<void> {
    await this.create(
      keys.agency(agency.id),
      { type: 'Agency', ...agency },
      audit,
      `An agency with id ${agency.id} exists.`,
    );
  }

  async updateAgency(
    agency: Agency,
    expectedVersion: number,
    audit: AuditEntry,
    routingChangesSeen?: number,
  ): Promise<void> {
    // A routing change naming the agency since the deactivation was checked counts it up: then it is refused.
    const unrouted =
      routingChangesSeen === undefined
        ? undefined
        : {
            expression: `(${ROUTING_CHANGES} = :seen OR (attribute_not_exists(${ROUTING_CHANGES}) AND :seen = :zero))`,
            values: { ':seen': routingChangesSeen, ':zero': 0 },
          };
    try {
      await this.replace(
        keys.agency(agency.id),
        { type: 'Agency', ...agency },
        expectedVersion,
        audit,
        unrouted,
      );
    } catch (error) {
      if (!(error instanceof StaleVersion) || !unrouted) throw error;
      const now = await this.getAgency(agency.id);
      if (now?.version !== expectedVersion) throw error;
      throw new RecordConflict(
        'A routing rule was changed to name this agency while it was being deactivated; read it again.',
        [{ field: 'active', message: 'a routing rule names this agency' }],
      );
    }
  }

  async getCategory(code: string): Promise<Versioned<PositionedCategory> | undefined> {
    const item = await this.getItem(keys.category(code));
    return item && { ...toCategory(item), version: Number(item.version ?? 1) };
  }

  async createCategory(category: PositionedCategory, audit: AuditEntry): Promise<void> {
    await this.create(
      keys.category(category.code),
      { type: 'EnquiryCategory', ...category },
      audit,
      `A category with code ${category.code} exists.`,
      // Its routing rule: the CSU alone until staff name agencies. Kept if an older category left one.
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.routingRule(category.code),
            UpdateExpression:
              'SET #type = :type, category = :code, agencyIds = if_not_exists(agencyIds, :none), version = if_not_exists(version, :one)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':type': 'RoutingRule',
              ':code': category.code,
              ':none': [],
              ':one': 1,
            },
          },
        },
      ],
    );
  }

  async updateCategory(category: PositionedCategory, expectedVersion: number, audit: AuditEntry) {
    await this.replace(
      keys.category(category.code),
      { type: 'EnquiryCategory', ...category },
      expectedVersion,
      audit,
    );
  }

  async listRoutingRules(): Promise<VersionedRoutingRule[]> {
    const items = await queryPartition(this.client, this.tableName, ROUTING_PARTITION, { consistent: true });
    return items.map((item) => ({
      category: String(item.category),
      agencyIds: (item.agencyIds as string[] | undefined) ?? [],
      targets: item.targets as VersionedRoutingRule['targets'],
      version: Number(item.version ?? 1),
    }));
  }

  private async getItem(key: Key): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  /** Puts a new item and its audit entry, then counts the directory change; a taken key is a conflict. */
  private async create(key: Key, fields: Item, audit: AuditEntry, taken: string, more: TransactItem[] = []) {
    try {
      await writeAuditedChange(
        this.client,
        this.tableName,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...key, ...fields, version: 1 },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...more,
        ],
        audit,
      );
    } catch (error) {
      // writeAuditedChange reads a failed first condition as a stale version; here it means the key is taken.
      if (error instanceof StaleVersion)
        throw new RecordConflict(taken, [{ field: 'id', message: 'is taken' }]);
      throw error;
    }
    await bumpDirectoryVersion(this.client, this.tableName);
  }

  /**
   * Sets every field of `fields` (removing those undefined) if the item is still at `expectedVersion` (and
   * `also` holds), counts the version up, then counts the directory change. Fields not named (a category's or
   * organisation's `position`) stay as they are. @throws StaleVersion when a condition fails.
   */
  private async replace(
    key: Key,
    fields: Item,
    expectedVersion: number,
    audit: AuditEntry,
    also?: { expression: string; values: Item },
  ) {
    // The version is this method's to count; a caller's copy of it is never written back.
    const entries = Object.entries(fields).filter(([name]) => name !== 'version');
    const set = entries.filter(([, value]) => value !== undefined);
    const remove = entries.filter(([, value]) => value === undefined);
    const names = Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name]));
    const index = new Map(entries.map(([name], i) => [name, i]));
    await writeAuditedChange(
      this.client,
      this.tableName,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: key,
            UpdateExpression: [
              `SET ${[...set.map(([name]) => `#f${index.get(name)} = :f${index.get(name)}`), 'version = :next'].join(', ')}`,
              remove.length > 0 ? `REMOVE ${remove.map(([name]) => `#f${index.get(name)}`).join(', ')}` : '',
            ].join(' '),
            ConditionExpression: also ? `${AT_VERSION} AND ${also.expression}` : AT_VERSION,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ...Object.fromEntries(set.map(([name, value]) => [`:f${index.get(name)}`, value])),
              ':expected': expectedVersion,
              ':next': expectedVersion + 1,
              ':one': 1,
              ...also?.values,
            },
          },
        },
      ],
      audit,
    );
    await bumpDirectoryVersion(this.client, this.tableName);
  }
}
