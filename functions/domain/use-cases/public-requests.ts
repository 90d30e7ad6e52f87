/**
 * The public feed of enquiries (Open311's GET requests): depersonalised views, newest first, never a sensitive
 * category: neither one that was sensitive when the enquiry came nor one made sensitive since (nor one no longer
 * in the directory). Served by the casework listing indexes and one batch read, never a Scan.
 */
import type { CaseRepository } from '../casework-ports.ts';
import { ENQUIRY_STATUSES, type EnquiryStatus, OPEN_STATUSES } from '../enquiry.ts';
import type { EnquiryRepository, ReferenceDataRepository } from '../ports.ts';
import { type PublicRequest, publicRequestOf } from '../public-requests.ts';
import { isReference } from '../reference.ts';

/** Most requests one answer holds, and the default window, as the GeoReport spec suggests. */
export const PUBLIC_REQUESTS_LIMIT = 1000;
export const PUBLIC_REQUESTS_DEFAULT_DAYS = 90;

/** Pages of 100 read per category: enough for the limit, and a bound on the reads one request can cause. */
const MAX_PAGES_PER_CATEGORY = 10;

export interface PublicRequestsDeps {
  readonly cases: Pick<CaseRepository, 'listCases'>;
  readonly enquiries: Pick<EnquiryRepository, 'getMany'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'listCategories'>;
}

/** Which requests: by reference, or by category, status and a window of receipt. */
export type PublicRequestsQuery =
  | { readonly references: readonly string[] }
  | {
      /** Any of these categories (all when absent; none matches when empty). */
      readonly categories?: readonly string[];
      readonly open?: boolean;
      /** ISO instants: received at or after `from`, before `to`. */
      readonly from: string;
      readonly to: string;
    };

/** The public views the query asks for (at most PUBLIC_REQUESTS_LIMIT), newest first. */
export async function listPublicRequests(
  deps: PublicRequestsDeps,
  query: PublicRequestsQuery,
): Promise<PublicRequest[]> {
  // The directory as it is now decides: an enquiry stores whether its category was sensitive when it came.
  const publicCodes = new Set(
    (await deps.referenceData.listCategories())
      .filter((category) => !category.sensitive)
      .map((category) => category.code),
  );
  let references: string[];
  if ('references' in query) {
    references = [...new Set(query.references)].filter(isReference).slice(0, PUBLIC_REQUESTS_LIMIT);
  } else {
    const statuses: readonly EnquiryStatus[] =
      query.open === undefined ? ENQUIRY_STATUSES : query.open ? OPEN_STATUSES : ['closed'];
    // Only public categories are looked for: an unknown or sensitive code finds nothing without a read.
    const categories = query.categories?.filter((code) => publicCodes.has(code));
    if (categories?.length === 0) return [];
    // Newest first across every category asked for, before cutting to the limit.
    const listings: { reference: string; receivedAt: string }[] = [];
    for (const category of categories ?? [undefined]) {
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await deps.cases.listCases({
          statuses,
          category,
          receivedFrom: query.from,
          receivedBefore: query.to,
          limit: 100,
          cursor,
        });
        // Sensitive cases are left out before anything about them is read.
        listings.push(...page.items.filter((item) => !item.sensitive && publicCodes.has(item.category)));
        cursor = page.cursor;
        pages += 1;
      } while (cursor && pages < MAX_PAGES_PER_CATEGORY);
    }
    references = listings
      .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
      .slice(0, PUBLIC_REQUESTS_LIMIT)
      .map((listing) => listing.reference);
  }
  const enquiries = await deps.enquiries.getMany(references);
  return references
    .flatMap((reference) => {
      const enquiry = enquiries.get(reference);
      const view = enquiry && publicRequestOf(enquiry);
      return view && publicCodes.has(view.category) ? [view] : [];
    })
    .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0));
}
