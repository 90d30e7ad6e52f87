/**
 * Our data in GeoReport v2's terms: categories as services, the fields our form asks beyond the spec's as
 * service attributes, a form-encoded submission as our NewEnquiry body, and an enquiry's public view as a
 * service request. Validation stays the API's own (NewEnquirySchema), so both doors accept exactly the same.
 */
import type { EnquiryCategory } from '../../domain/partnership.ts';
import type { PublicRequest } from '../../domain/public-requests.ts';
import type { Open311Element, Open311Error } from './format.ts';

/** The formats, by extension. */
export const OPEN311_FORMATS = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
export type Open311Format = keyof typeof OPEN311_FORMATS;

/** `requests.xml` → `{ name: 'requests', format: 'xml' }`; undefined for any other extension. */
export function splitExtension(file: string): { name: string; format: Open311Format } | undefined {
  const match = /^(.+)\.(xml|json)$/.exec(file);
  return match ? { name: match[1] as string, format: match[2] as Open311Format } : undefined;
}

/** The keyword FixMyStreet reads as "never show reports of this service publicly". */
export const PRIVATE_KEYWORD = 'private';

const YES_NO = [
  { key: 'yes', name: 'Yes' },
  { key: 'no', name: 'No' },
] as const;

/** An attribute of every service: our fields beyond the spec's, with the spec's datatypes. */
interface AttributeSpec {
  readonly code: string;
  readonly datatype: 'singlevaluelist' | 'string';
  readonly description: string;
  readonly values?: readonly { readonly key: string; readonly name: string }[];
}

/** In the order a client shows them. None is required: an unanswered safety question means "no". */
export const SERVICE_ATTRIBUTES: readonly AttributeSpec[] = [
  {
    code: 'happening_now',
    datatype: 'singlevaluelist',
    description: 'Is this happening right now? If anyone is in danger or a crime is happening, call 999.',
    values: YES_NO,
  },
  {
    code: 'may_email',
    datatype: 'singlevaluelist',
    description: 'Is it safe for us to email you? We will not unless you say yes.',
    values: YES_NO,
  },
  {
    code: 'may_phone',
    datatype: 'singlevaluelist',
    description: 'Is it safe for us to phone you? We will not unless you say yes.',
    values: YES_NO,
  },
  {
    code: 'may_leave_voicemail',
    datatype: 'singlevaluelist',
    description: 'May we leave a voicemail message?',
    values: YES_NO,
  },
  { code: 'safe_times', datatype: 'string', description: 'When is it safe to contact you?' },
  { code: 'preferred_language', datatype: 'string', description: 'Which language would you like us to use?' },
  { code: 'postcode', datatype: 'string', description: 'Postcode of where it is happening, if you know it.' },
];

/** A category as a GeoReport service (the services list). */
export function serviceOf(category: EnquiryCategory): Open311Element {
  return {
    service_code: category.code,
    service_name: category.title,
    description: category.description,
    metadata: true,
    type: 'batch',
    keywords: category.sensitive ? PRIVATE_KEYWORD : '',
    group: category.sensitive ? 'Safeguarding' : 'Community safety',
  };
}

/** A category's service definition: its attributes. */
export function serviceDefinitionOf(category: EnquiryCategory): Open311Element {
  return {
    service_code: category.code,
    attributes: {
      attribute: SERVICE_ATTRIBUTES.map((attribute, index) => ({
        variable: true,
        code: attribute.code,
        datatype: attribute.datatype,
        required: false,
        datatype_description: attribute.values ? 'yes or no' : '',
        order: index + 1,
        description: attribute.description,
        ...(attribute.values ? { values: { value: attribute.values.map((v) => ({ ...v })) } } : {}),
      })),
    },
  };
}

/**
 * Form fields of a GeoReport submission as our NewEnquiry body, to be validated by NewEnquirySchema. Empty
 * fields count as absent (clients send every field of their form); fields and attributes we do not know are
 * ignored, as the spec expects of a server (FixMyStreet, for one, sends its own). Yes/no attributes take only
 * `yes` or `no`.
 */
export function enquiryBodyFromForm(
  form: Readonly<Record<string, string>>,
): { body: Record<string, unknown> } | { errors: Open311Error[] } {
  const field = (name: string): string | undefined => {
    const value = form[name]?.trim();
    return value ? value : undefined;
  };
  const errors: Open311Error[] = [];
  const yesNo = (code: string): boolean | undefined => {
    const value = field(`attribute[${code}]`)?.toLowerCase();
    if (value === undefined) return undefined;
    if (value === 'yes' || value === 'no') return value === 'yes';
    errors.push({ code: 400, description: `attribute[${code}] must be yes or no` });
    return undefined;
  };
  const coordinate = (name: 'lat' | 'long'): number | undefined => {
    const value = field(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (/^-?\d{1,3}(\.\d+)?$/.test(value) && Number.isFinite(number)) return number;
    errors.push({ code: 400, description: `${name} must be a decimal number of degrees (WGS84)` });
    return undefined;
  };
  const name = [field('first_name'), field('last_name')].filter(Boolean).join(' ');
  const latitude = coordinate('lat');
  const longitude = coordinate('long');
  const location = {
    ...(field('attribute[postcode]') ? { postcode: field('attribute[postcode]') } : {}),
    ...(field('address_string') ? { address: field('address_string') } : {}),
    ...(latitude !== undefined ? { latitude } : {}),
    ...(longitude !== undefined ? { longitude } : {}),
  };
  const body = {
    category: field('service_code'),
    description: field('description'),
    ...(name ? { name } : {}),
    ...(field('email') ? { email: field('email') } : {}),
    ...(field('phone') ? { phone: field('phone') } : {}),
    ...(Object.keys(location).length > 0 ? { location } : {}),
    happeningNow: yesNo('happening_now') ?? false,
    safeContact: {
      mayEmail: yesNo('may_email') ?? false,
      mayPhone: yesNo('may_phone') ?? false,
      mayLeaveVoicemail: yesNo('may_leave_voicemail') ?? false,
      ...(field('attribute[safe_times]') ? { safeTimes: field('attribute[safe_times]') } : {}),
      ...(field('attribute[preferred_language]')
        ? { preferredLanguage: field('attribute[preferred_language]') }
        : {}),
    },
  };
  return errors.length > 0 ? { errors } : { body };
}

/** Our body's field names as the form that sent them calls them, for error descriptions. */
const FORM_NAMES: Readonly<Record<string, string>> = {
  category: 'service_code',
  description: 'description',
  name: 'first_name/last_name',
  email: 'email',
  phone: 'phone',
  'location.postcode': 'attribute[postcode]',
  'location.address': 'address_string',
  'location.latitude': 'lat',
  'location.longitude': 'long',
  'safeContact.safeTimes': 'attribute[safe_times]',
  'safeContact.preferredLanguage': 'attribute[preferred_language]',
};

/** A validation failure of our body, as a GeoReport error naming the form field. */
export function formError(field: string, message: string): Open311Error {
  return { code: 400, description: `${FORM_NAMES[field] ?? field} ${message}` };
}

/** A public request in GeoReport v2's terms. */
export function serviceRequestOf(request: PublicRequest, serviceName: string): Open311Element {
  return {
    service_request_id: request.reference,
    status: request.open ? 'open' : 'closed',
    status_notes: request.statusNotes,
    service_name: serviceName,
    service_code: request.category,
    agency_responsible: request.agencies.join('; '),
    service_notice: null,
    requested_datetime: w3cDateTime(request.requestedAt),
    updated_datetime: w3cDateTime(request.updatedAt),
    expected_datetime: request.expectedAt ? w3cDateTime(request.expectedAt) : null,
    address: request.postcodeSector ?? null,
  };
}

/**
 * `2026-11-26T10:00:00.000Z` → `2026-11-26T10:00:00Z`: W3C date-time to the second, which every client parses
 * (FixMyStreet's W3CDTF parser among them).
 */
export function w3cDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
