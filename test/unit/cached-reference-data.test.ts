/** The reference data cache: bounded staleness, shared misses, no cached failures, quick pick-up of new categories. */
import { describe, expect, it } from 'vitest';
import {
  CachedReferenceData,
  DIRECTORY_VERSION_CHECK_MS,
} from '../../functions/adapters/cached-reference-data.ts';
import type { EnquiryCategory } from '../../functions/domain/partnership.ts';
import { InMemoryReferenceData, smallPartnershipReferenceData } from '../support/in-memory-ports.ts';

const parking: EnquiryCategory = {
  code: 'parking',
  title: 'Parking',
  description: 'Parking',
  sensitive: false,
};
const noise: EnquiryCategory = { code: 'noise', title: 'Noise', description: 'Noise', sensitive: false };

/** The table's reference data, counting the reads that reach it. */
class CountingReferenceData extends InMemoryReferenceData {
  reads = 0;
  failNext = false;
  constructor() {
    const { partnership, categories, agencies, routing } = smallPartnershipReferenceData();
    super(partnership, categories, agencies, routing);
  }
  override async listCategories() {
    this.reads++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('DynamoDB unavailable');
    }
    return [...this.categories];
  }
  override async getRoutingRule(category: string) {
    this.reads++;
    return super.getRoutingRule(category);
  }
}

function aCache(maxAgeSeconds = 60) {
  const source = new CountingReferenceData();
  let now = 1_000_000;
  const cache = new CachedReferenceData(source, maxAgeSeconds, () => now);
  return { source, cache, advance: (ms: number) => (now += ms) };
}

describe('CachedReferenceData', () => {
  it('reads the table once per max age, then again', async () => {
    const { source, cache, advance } = aCache(60);

    await cache.listCategories();
    advance(60_000);
    await cache.getCategory('parking');
    const readsWithinMaxAge = source.reads;
    advance(1);
    await cache.listCategories();

    expect(readsWithinMaxAge).toBe(1);
    expect(source.reads).toBe(2);
  });

  it('serves a change made to the table only once the cached copy is older than the max age', async () => {
    const { source, cache, advance } = aCache(60);
    await cache.getRoutingRule('parking');
    source.routing.splice(0, 1, { category: 'parking', agencyIds: [] });

    advance(59_000);
    const stale = await cache.getRoutingRule('parking');
    advance(1_001);
    const fresh = await cache.getRoutingRule('parking');

    expect(stale?.agencyIds).toEqual(['parking-team']);
    expect(fresh?.agencyIds).toEqual([]);
  });

  it('shares one read among concurrent misses', async () => {
    const { source, cache } = aCache();

    const lists = await Promise.all([
      cache.listCategories(),
      cache.listCategories(),
      cache.getCategory('parking'),
    ]);

    expect(source.reads).toBe(1);
    expect(lists[2]).toEqual(parking);
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const { source, cache } = aCache();
    source.failNext = true;

    await expect(cache.listCategories()).rejects.toThrow('DynamoDB unavailable');
    const categories = await cache.listCategories();

    expect(categories).toEqual([parking]);
    expect(source.reads).toBe(2);
  });

  it('looks again for a category it does not know, at most once every 5 seconds', async () => {
    const { source, cache, advance } = aCache(60);
    await cache.listCategories();
    source.categories.push(noise);

    const tooSoon = await cache.getCategory('noise');
    advance(4_999);
    const stillTooSoon = await cache.getCategory('noise');
    advance(1);
    const found = await cache.getCategory('noise');
    const unknown = [await cache.getCategory('ufo'), await cache.getCategory('ufo')];

    expect(tooSoon).toBeUndefined();
    expect(stillTooSoon).toBeUndefined();
    expect(found).toEqual(noise);
    expect(unknown).toEqual([undefined, undefined]);
    expect(source.reads).toBe(2);
  });
});

describe('CachedReferenceData and the directory version', () => {
  it('reads everything again once the directory version moves, asking at most once a second', async () => {
    const { source, cache, advance } = aCache(60);
    let versionReads = 0;
    const getDirectoryVersion = source.getDirectoryVersion.bind(source);
    source.getDirectoryVersion = async () => {
      versionReads++;
      return getDirectoryVersion();
    };
    await cache.listCategories();
    source.categories.push(noise);
    source.directoryVersion++;

    const withinTheSecond = (await cache.listCategories()).map((c) => c.code);
    advance(DIRECTORY_VERSION_CHECK_MS);
    const afterIt = (await cache.listCategories()).map((c) => c.code);
    const again = (await cache.listCategories()).map((c) => c.code);

    expect(withinTheSecond).toEqual(['parking']);
    expect(afterIt).toEqual(['parking', 'noise']);
    expect(again).toEqual(['parking', 'noise']);
    expect(source.reads).toBe(2);
    expect(versionReads).toBe(2);
  });

  it('keeps serving from the cache when the version cannot be read, and asks again next time', async () => {
    const { source, cache, advance } = aCache(60);
    await cache.listCategories();
    source.getDirectoryVersion = async () => {
      throw new Error('DynamoDB unavailable');
    };
    advance(DIRECTORY_VERSION_CHECK_MS);

    const served = await cache.listCategories();

    expect(served.map((c) => c.code)).toEqual(['parking']);
    expect(source.reads).toBe(1);
  });
});
