import type { Agency, EnquiryCategory, Partnership } from '../domain/partnership.ts';
import type { ReferenceDataRepository, VersionedRoutingRule } from '../domain/ports.ts';

/** The reads a cache can serve; writes always go to the table. */
type ReferenceDataReads = Pick<
  ReferenceDataRepository,
  'getPartnership' | 'listCategories' | 'getCategory' | 'getRoutingRule' | 'listAgencies'
>;

/**
 * A category missing from the cached list is looked up again, but no more often than this: a category added a
 * moment ago is accepted at once, and a stream of unknown categories costs at most one read per interval.
 */
const MISS_REFRESH_MS = 5_000;

/**
 * Reference data (partnership, categories, agencies, routing rules) held for at most `maxAgeSeconds` per
 * container. It changes a few times a year, while every enquiry reads it: caching takes those reads off the
 * enquiry path, at the price of a change reaching warm functions up to `maxAgeSeconds` late. Concurrent misses
 * share one read; a failed read is not cached.
 */
export class CachedReferenceData implements ReferenceDataReads {
  private readonly entries = new Map<string, { value: Promise<unknown>; loadedAt: number }>();

  constructor(
    private readonly source: ReferenceDataReads,
    private readonly maxAgeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  getPartnership(): Promise<Partnership | undefined> {
    return this.cached('partnership', () => this.source.getPartnership());
  }

  listCategories(): Promise<EnquiryCategory[]> {
    return this.cached('categories', () => this.source.listCategories());
  }

  async getCategory(code: string): Promise<EnquiryCategory | undefined> {
    const found = (await this.listCategories()).find((category) => category.code === code);
    if (found || this.ageMs('categories') < MISS_REFRESH_MS) return found;
    this.entries.delete('categories');
    return (await this.listCategories()).find((category) => category.code === code);
  }

  getRoutingRule(category: string): Promise<VersionedRoutingRule | undefined> {
    return this.cached(`routing:${category}`, () => this.source.getRoutingRule(category));
  }

  listAgencies(): Promise<Agency[]> {
    return this.cached('agencies', () => this.source.listAgencies());
  }

  private ageMs(key: string): number {
    const entry = this.entries.get(key);
    return entry ? this.now() - entry.loadedAt : Number.POSITIVE_INFINITY;
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ageMs(key) <= this.maxAgeSeconds * 1000) return this.entries.get(key)!.value as Promise<T>;
    const value = load();
    this.entries.set(key, { value, loadedAt: this.now() });
    // Forget a failed read, so the next caller tries again instead of sharing the failure.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
