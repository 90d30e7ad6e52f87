import type { Agency, EnquiryCategory, Partnership } from '../domain/partnership.ts';
import type { ReferenceDataRepository, VersionedRoutingRule } from '../domain/ports.ts';

/** The reads a cache can serve; writes always go to the table. */
type ReferenceDataReads = Pick<
  ReferenceDataRepository,
  'getPartnership' | 'listCategories' | 'getCategory' | 'getRoutingRule' | 'listAgencies'
>;

/** The source of a cache: its reads, and the directory version that says when they are out of date. */
type CacheSource = ReferenceDataReads & Pick<ReferenceDataRepository, 'getDirectoryVersion'>;

/**
 * How often a warm cache asks whether the directory changed (one small strongly consistent read): a change
 * made through the API (an agency's new mailbox, a retired category) is seen within this, not `maxAgeSeconds`.
 */
export const DIRECTORY_VERSION_CHECK_MS = 1_000;

/**
 * A category missing from the cached list is looked up again, but no more often than this: a category added a
 * moment ago is accepted at once, and a stream of unknown categories costs at most one read per interval.
 */
const MISS_REFRESH_MS = 5_000;

/**
 * Reference data (partnership, categories, agencies, routing rules) held for at most `maxAgeSeconds` per
 * container. It changes a few times a year, while every enquiry reads it: caching takes those reads off the
 * enquiry path. Every change through the API counts up the directory's version, which the cache reads at most
 * once per DIRECTORY_VERSION_CHECK_MS: when it moved, everything is read again, so a change reaches warm
 * functions within about a second. Concurrent misses share one read; a failed read is not cached.
 */
export class CachedReferenceData implements ReferenceDataReads {
  private readonly entries = new Map<string, { value: Promise<unknown>; loadedAt: number }>();
  private versionCheck?: { at: number; done: Promise<void> };
  private knownVersion?: number;

  constructor(
    private readonly source: CacheSource,
    private readonly maxAgeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets every entry if the directory changed since they were read; checks at most once a second. */
  private fresh(): Promise<void> {
    const now = this.now();
    if (this.versionCheck && now - this.versionCheck.at < DIRECTORY_VERSION_CHECK_MS)
      return this.versionCheck.done;
    const done = this.source.getDirectoryVersion().then(
      (version) => {
        if (this.knownVersion !== undefined && version !== this.knownVersion) this.entries.clear();
        this.knownVersion = version;
      },
      // Not knowing is no reason to fail a read the cache can serve: the next call asks again.
      () => {
        this.versionCheck = undefined;
      },
    );
    this.versionCheck = { at: now, done };
    return done;
  }

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

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    await this.fresh();
    return this.cachedNow(key, load);
  }

  private cachedNow<T>(key: string, load: () => Promise<T>): Promise<T> {
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
