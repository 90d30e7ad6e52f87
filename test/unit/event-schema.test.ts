/** Event data is checked against its event's schema on the way out (createEvent) and in (parseEventDetail). */
import { describe, expect, it } from 'vitest';
import { ChairRotatedEvent } from '../../functions/events/chair-rotated.ts';
import { EnquiryReceivedEvent } from '../../functions/events/enquiry-received.ts';
import { createEvent, parseEventDetail } from '../../functions/events/envelope.ts';
import { EventDataInvalid, eventSchema, optional } from '../../functions/events/event-schema.ts';

const schema = eventSchema({
  name: 'string',
  flag: 'boolean',
  count: 'integer',
  day: 'date',
  at: 'datetime',
  note: optional('string'),
});
const valid = {
  name: 'CSU-2026-000001',
  flag: false,
  count: 2,
  day: '2027-04-01',
  at: '2026-11-26T10:00:00.000Z',
};

describe('eventSchema', () => {
  it('keeps the declared fields and drops any other', () => {
    expect(schema.parse({ ...valid, email: 'sam@example.com' })).toEqual(valid);
    expect(schema.parse({ ...valid, note: 'n' })).toEqual({ ...valid, note: 'n' });
  });

  it.each([
    ['name', 42, 'a string'],
    ['flag', 'false', 'true or false'],
    ['count', 1.5, 'an integer'],
    ['day', '2027-13-01', 'a date (YYYY-MM-DD)'],
    ['day', '2027-04-01T00:00:00Z', 'a date (YYYY-MM-DD)'],
    ['at', '2026-11-26', 'an ISO 8601 date-time'],
    ['at', '2026-11-26T25:61:00Z', 'an ISO 8601 date-time'],
    ['note', null, 'a string'],
  ])('refuses %s = %j, naming the field but not the value', (field, value, expected) => {
    const error = (() => {
      try {
        schema.parse({ ...valid, [field]: value });
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(EventDataInvalid);
    expect((error as Error).message).toBe(`Event field ${field} must be ${expected}`);
  });

  it('refuses a missing required field and anything but an object', () => {
    const { name: _name, ...withoutName } = valid;

    expect(() => schema.parse(withoutName)).toThrow('Event field name must be a string');
    for (const value of [null, 'x', [valid], undefined]) {
      expect(() => schema.parse(value)).toThrow(EventDataInvalid);
    }
  });
});

describe('event envelopes', () => {
  it('round-trips an event through createEvent and parseEventDetail', () => {
    const data = {
      reference: 'CSU-2026-000001',
      category: 'parking',
      acknowledgementRequested: true,
      happeningNow: false,
    };
    const event = createEvent(EnquiryReceivedEvent, data, {
      correlationId: 'CSU-2026-000001',
      occurredAt: '2026-11-26T10:00:00.000Z',
    });

    const parsed = parseEventDetail(EnquiryReceivedEvent, JSON.parse(JSON.stringify(event.detail)));

    expect(parsed).toEqual({
      metadata: {
        eventName: 'EnquiryReceived',
        version: 1,
        correlationId: 'CSU-2026-000001',
        occurredAt: '2026-11-26T10:00:00.000Z',
      },
      data,
    });
  });

  it('refuses to create an event whose data does not fit, and to parse a detail without metadata', () => {
    expect(() =>
      createEvent(
        ChairRotatedEvent,
        { startsOn: '1 April', endsOn: '2028-04-01', organisationId: 'kent-police' },
        {
          correlationId: 'c',
          occurredAt: '2027-04-01T00:05:00.000Z',
        },
      ),
    ).toThrow('Event field data.startsOn must be a date (YYYY-MM-DD)');
    expect(() => parseEventDetail(ChairRotatedEvent, { data: {} })).toThrow(
      'Event field metadata must be an object',
    );
    expect(() => parseEventDetail(ChairRotatedEvent, 'nonsense')).toThrow(EventDataInvalid);
  });
});
