import { describe, expect, it } from 'vitest';
import {
  assertValidEventPattern,
  type EventPattern,
  matchesEventPattern,
} from '../../local/event-pattern.ts';

interface Case {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly event: unknown;
  readonly matches: boolean;
}

/** Every pattern used below, so the validity test can check each of them is accepted. */
const documentedPatterns: EventPattern[] = [];

function table(cases: readonly Case[]): void {
  for (const testCase of cases) documentedPatterns.push(testCase.pattern);
  it.each(cases)('$name', ({ pattern, event, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });
}

// Sample events from the EventBridge user guide ("Amazon EventBridge event patterns").
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieEvent = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

// The sample event of the aws/event-ruler README ("Ruler by Example").
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

describe('matchesEventPattern', () => {
  // "Amazon EventBridge event patterns" / "Creating event patterns":
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
  // (awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns.md)
  describe('field and value matching', () => {
    const terminated = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    table([
      {
        name: 'EC2 termination pattern matches the EC2 event',
        pattern: terminated,
        event: ec2Event,
        matches: true,
      },
      {
        name: 'EC2 termination pattern does not match another state',
        pattern: terminated,
        event: { ...ec2Event, detail: { ...ec2Event.detail, state: 'running' } },
        matches: false,
      },
      {
        name: 'every pattern field must be in the event (AND)',
        pattern: terminated,
        event: { ...ec2Event, detail: { 'instance-id': 'i-1234567890abcdef0' } },
        matches: false,
      },
      {
        name: 'fields must have the same nesting as in the event',
        pattern: { source: ['aws.ec2'], state: ['terminated'] },
        event: ec2Event,
        matches: false,
      },
      {
        name: 'strings match character by character without case folding',
        pattern: { source: ['AWS.EC2'] },
        event: ec2Event,
        matches: false,
      },
      {
        name: 'a list of values matches any of them (OR): aws.fargate',
        pattern: { source: ['aws.ec2', 'aws.fargate'] },
        event: { ...ec2Event, source: 'aws.fargate' },
        matches: true,
      },
      {
        name: 'a list of values matches none of them: aws.s3',
        pattern: { source: ['aws.ec2', 'aws.fargate'] },
        event: { ...ec2Event, source: 'aws.s3' },
        matches: false,
      },
      {
        name: 'Macie alert with risk score 80 and trigger risk 8 matches',
        pattern: {
          source: ['aws.macie'],
          'detail-type': ['Macie Alert'],
          detail: { 'risk-score': [80], trigger: { risk: [8] } },
        },
        event: macieEvent,
        matches: true,
      },
      {
        name: 'Macie alert with another trigger risk does not match',
        pattern: { source: ['aws.macie'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
        event: {
          ...macieEvent,
          detail: { ...macieEvent.detail, trigger: { 'alert-type': 'basic', risk: 7 } },
        },
        matches: false,
      },
      {
        name: 'a number pattern does not match the same digits as a string',
        pattern: { detail: { 'risk-score': [80] } },
        event: { ...macieEvent, detail: { ...macieEvent.detail, 'risk-score': '80' } },
        matches: false,
      },
      {
        name: 'booleans match exactly',
        pattern: { detail: { flag: [true] } },
        event: withDetail({ flag: true }),
        matches: true,
      },
      {
        name: 'a boolean pattern does not match the string "true"',
        pattern: { detail: { flag: [true] } },
        event: withDetail({ flag: 'true' }),
        matches: false,
      },
      {
        name: 'an event that is not an object matches nothing',
        pattern: { source: ['aws.ec2'] },
        event: 'aws.ec2',
        matches: false,
      },
    ]);
  });

  // "Matching null values and empty strings in Amazon EventBridge event patterns":
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
  // (awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns-null-values.md)
  describe('null values and empty strings', () => {
    table([
      {
        name: '[""] matches an empty string',
        pattern: { detail: { eventVersion: [''] } },
        event: autoScalingEvent,
        matches: true,
      },
      {
        name: '[null] matches a null value',
        pattern: { detail: { responseElements: [null] } },
        event: autoScalingEvent,
        matches: true,
      },
      {
        name: 'the documented auto scaling pattern with [null] matches',
        pattern: {
          source: ['aws.autoscaling'],
          'detail-type': ['EC2 Instance Launch Successful'],
          detail: { responseElements: [null] },
        },
        event: autoScalingEvent,
        matches: true,
      },
      {
        name: '[null] does not match an empty string (not interchangeable)',
        pattern: { detail: { eventVersion: [null] } },
        event: autoScalingEvent,
        matches: false,
      },
      {
        name: '[""] does not match null (not interchangeable)',
        pattern: { detail: { responseElements: [''] } },
        event: autoScalingEvent,
        matches: false,
      },
      {
        name: '[null] does not match a missing field',
        pattern: { detail: { missing: [null] } },
        event: autoScalingEvent,
        matches: false,
      },
    ]);
  });

  // "Arrays in Amazon EventBridge event patterns":
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
  // (awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns-arrays.md), and "JSON Array Matching"
  // in the aws/event-ruler README (https://github.com/aws/event-ruler#json-array-matching).
  describe('arrays', () => {
    const resourcesPattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const employees = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    table([
      {
        name: 'matches when the pattern and event arrays intersect',
        pattern: resourcesPattern,
        event: {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
        matches: true,
      },
      {
        name: 'does not match when the arrays do not intersect',
        pattern: resourcesPattern,
        event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
        matches: false,
      },
      {
        name: 'an empty event array matches no value',
        pattern: resourcesPattern,
        event: { resources: [] },
        matches: false,
      },
      {
        name: 'objects inside an array are matched as the parent field',
        pattern: { employees: { firstName: ['Anna'] } },
        event: employees,
        matches: true,
      },
      {
        name: 'fields from different array elements do not combine (Anna Jones)',
        pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
        event: employees,
        matches: false,
      },
      {
        name: 'fields from the same array element combine (Anna Smith)',
        pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
        event: employees,
        matches: true,
      },
      {
        name: 'multi-level arrays are crushed out too',
        pattern: { employees: { firstName: ['Anna'] } },
        event: {
          employees: [
            [
              { firstName: 'John', lastName: 'Doe' },
              { firstName: 'Anna', lastName: 'Smith' },
            ],
            [{ firstName: 'Peter', lastName: 'Jones' }],
          ],
        },
        matches: true,
      },
      {
        name: 'multi-level arrays: no match when the value is absent',
        pattern: { employees: { firstName: ['Maria'] } },
        event: { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
        matches: false,
      },
    ]);
  });

  // Prefix and suffix matching, "Content filtering in Amazon EventBridge event patterns":
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // and the operator summary https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // (awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns-content-based-filtering.md,
  // doc_source/content-filtering-with-event-patterns.md for the "eu-" example).
  describe('prefix and suffix', () => {
    const timePrefix = { time: [{ prefix: '2017-10-02' }] };
    const europe = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
    const serviceIgnoreCase = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    const png = { FileName: [{ suffix: '.png' }] };
    const pngIgnoreCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    table([
      { name: 'prefix: time starting 2017-10-02', pattern: timePrefix, event: rulerEvent, matches: true },
      {
        name: 'prefix: time on another day',
        pattern: timePrefix,
        event: { ...rulerEvent, time: '2017-10-03T18:43:48Z' },
        matches: false,
      },
      {
        name: 'prefix: only string values',
        pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
        event: rulerEvent,
        matches: false,
      },
      {
        name: 'prefix: is case sensitive',
        pattern: { source: [{ prefix: 'AWS.' }] },
        event: rulerEvent,
        matches: false,
      },
      {
        name: 'prefix: auto scaling events from a European region',
        pattern: europe,
        event: { ...autoScalingEvent, region: 'eu-west-1' },
        matches: true,
      },
      {
        name: 'prefix: auto scaling events from us-east-1',
        pattern: europe,
        event: autoScalingEvent,
        matches: false,
      },
      {
        name: 'prefix equals-ignore-case: EventBridge',
        pattern: serviceIgnoreCase,
        event: { detail: { service: 'EventBridge' } },
        matches: true,
      },
      {
        name: 'prefix equals-ignore-case: EVENTBRIDGE',
        pattern: serviceIgnoreCase,
        event: { detail: { service: 'EVENTBRIDGE' } },
        matches: true,
      },
      {
        name: 'prefix equals-ignore-case: eventb',
        pattern: serviceIgnoreCase,
        event: { detail: { service: 'eventb' } },
        matches: true,
      },
      {
        name: 'prefix equals-ignore-case: another service',
        pattern: serviceIgnoreCase,
        event: { detail: { service: 'Event' } },
        matches: false,
      },
      { name: 'suffix: FileName ending .png', pattern: png, event: { FileName: 'image.png' }, matches: true },
      {
        name: 'suffix: FileName ending .jpg',
        pattern: png,
        event: { FileName: 'image.jpg' },
        matches: false,
      },
      { name: 'suffix: is case sensitive', pattern: png, event: { FileName: 'image.PNG' }, matches: false },
      {
        name: 'suffix (README): source ending ec2',
        pattern: { source: [{ suffix: 'ec2' }] },
        event: rulerEvent,
        matches: true,
      },
      {
        name: 'suffix equals-ignore-case: .PNG',
        pattern: pngIgnoreCase,
        event: { detail: { FileName: 'image.PNG' } },
        matches: true,
      },
      {
        name: 'suffix equals-ignore-case: .Png',
        pattern: pngIgnoreCase,
        event: { detail: { FileName: 'image.Png' } },
        matches: true,
      },
      {
        name: 'suffix equals-ignore-case: .jpg',
        pattern: pngIgnoreCase,
        event: { detail: { FileName: 'image.jpg' } },
        matches: false,
      },
    ]);
  });

  // Equals-ignore-case and wildcard: the operator summary
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ("Name is Alice",
  // "Any file with a .png extension, located within the folder dir"), and the aws/event-ruler README
  // ("Equals-ignore-case matching", "Wildcard matching": escapes and the ban on consecutive wildcards).
  describe('equals-ignore-case and wildcard', () => {
    const alice = { Name: [{ 'equals-ignore-case': 'alice' }] };
    const dirPng = { FileName: [{ wildcard: 'dir/*.png' }] };
    const simpleService = { source: [{ wildcard: 'Simple*Service' }] };
    table([
      { name: 'equals-ignore-case: Alice', pattern: alice, event: { Name: 'Alice' }, matches: true },
      { name: 'equals-ignore-case: ALICE', pattern: alice, event: { Name: 'ALICE' }, matches: true },
      { name: 'equals-ignore-case: Alicia', pattern: alice, event: { Name: 'Alicia' }, matches: false },
      {
        name: 'equals-ignore-case: not a prefix match',
        pattern: alice,
        event: { Name: 'Alice B' },
        matches: false,
      },
      {
        name: 'equals-ignore-case (README): EC2 is not aws.ec2',
        pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
        event: rulerEvent,
        matches: false,
      },
      {
        name: 'equals-ignore-case (README): EC2 matches ec2',
        pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
        event: { ...rulerEvent, source: 'ec2' },
        matches: true,
      },
      {
        name: 'wildcard: dir/image.png',
        pattern: dirPng,
        event: { FileName: 'dir/image.png' },
        matches: true,
      },
      {
        name: 'wildcard: * spans slashes',
        pattern: dirPng,
        event: { FileName: 'dir/a/b.png' },
        matches: true,
      },
      {
        name: 'wildcard: another extension',
        pattern: dirPng,
        event: { FileName: 'dir/image.jpg' },
        matches: false,
      },
      {
        name: 'wildcard: another folder',
        pattern: dirPng,
        event: { FileName: 'lib/dir/x.png' },
        matches: false,
      },
      {
        name: 'wildcard (README): SimpleQueueService',
        pattern: simpleService,
        event: { source: 'SimpleQueueService' },
        matches: true,
      },
      {
        name: 'wildcard (README): * matches zero characters',
        pattern: simpleService,
        event: { source: 'SimpleService' },
        matches: true,
      },
      {
        name: 'wildcard (README): SimpleQueue without Service',
        pattern: simpleService,
        event: { source: 'SimpleQueue' },
        matches: false,
      },
      {
        name: 'wildcard (README): an escaped \\* is a literal asterisk',
        pattern: { detail: { note: [{ wildcard: 'a\\*b' }] } },
        event: { detail: { note: 'a*b' } },
        matches: true,
      },
      {
        name: 'wildcard (README): an escaped \\* does not match other text',
        pattern: { detail: { note: [{ wildcard: 'a\\*b' }] } },
        event: { detail: { note: 'aXb' } },
        matches: false,
      },
      {
        name: 'wildcard (README): \\\\ is a literal backslash, followed here by a wildcard',
        pattern: { detail: { path: [{ wildcard: 'C:\\\\*' }] } },
        event: { detail: { path: 'C:\\temp' } },
        matches: true,
      },
      {
        name: 'wildcard (README): \\\\ requires the backslash',
        pattern: { detail: { path: [{ wildcard: 'C:\\\\*' }] } },
        event: { detail: { path: 'C:/temp' } },
        matches: false,
      },
      {
        name: 'wildcard: only string values',
        pattern: { detail: { 'c-count': [{ wildcard: '*' }] } },
        event: rulerEvent,
        matches: false,
      },
    ]);
  });

  // Anything-but: "Content filtering in Amazon EventBridge event patterns"
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html and
  // the operator summary https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Region is not in the US", "FileName does not end with a .png extension", "State is any value besides
  // initializing", "FilePath is not a path that includes /lib/", "Weather is anything but Raining").
  describe('anything-but', () => {
    const notInitializing = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    const not123 = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    const notStoppedOrOverloaded = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    const notRoundLimits = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    const notInitPrefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    const notUs = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
    const notPng = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    const notInitializingAnyCase = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    const notLib = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    const notRaining = { Weather: [{ 'anything-but': ['Raining'] }] };
    table([
      {
        name: 'string: running is not initializing',
        pattern: notInitializing,
        event: rulerEvent,
        matches: true,
      },
      {
        name: 'string: initializing is excluded',
        pattern: notInitializing,
        event: withDetail({ state: 'initializing' }),
        matches: false,
      },
      {
        name: 'string: a missing field does not match',
        pattern: notInitializing,
        event: { ...rulerEvent, detail: { 'c-count': 5 } },
        matches: false,
      },
      {
        name: 'string: an event array matches when some element is not excluded',
        pattern: notInitializing,
        event: withDetail({ state: ['initializing', 'running'] }),
        matches: true,
      },
      {
        name: 'string: an event array of excluded values does not match',
        pattern: notInitializing,
        event: withDetail({ state: ['initializing'] }),
        matches: false,
      },
      { name: 'number: 301.8 is not 123', pattern: not123, event: rulerEvent, matches: true },
      {
        name: 'number: 123 is excluded',
        pattern: not123,
        event: withDetail({ 'x-limit': 123 }),
        matches: false,
      },
      { name: 'string list: running', pattern: notStoppedOrOverloaded, event: rulerEvent, matches: true },
      {
        name: 'string list: stopped is excluded',
        pattern: notStoppedOrOverloaded,
        event: withDetail({ state: 'stopped' }),
        matches: false,
      },
      {
        name: 'string list: overloaded is excluded',
        pattern: notStoppedOrOverloaded,
        event: withDetail({ state: 'overloaded' }),
        matches: false,
      },
      { name: 'number list: 301.8', pattern: notRoundLimits, event: rulerEvent, matches: true },
      {
        name: 'number list: 200 is excluded',
        pattern: notRoundLimits,
        event: withDetail({ 'x-limit': 200 }),
        matches: false,
      },
      {
        name: 'prefix: running does not start with init',
        pattern: notInitPrefix,
        event: rulerEvent,
        matches: true,
      },
      {
        name: 'prefix: initializing starts with init',
        pattern: notInitPrefix,
        event: withDetail({ state: 'initializing' }),
        matches: false,
      },
      {
        name: 'prefix: eu-west-1 is not in the US',
        pattern: notUs,
        event: { Region: 'eu-west-1' },
        matches: true,
      },
      {
        name: 'prefix: us-east-1 is in the US',
        pattern: notUs,
        event: { Region: 'us-east-1' },
        matches: false,
      },
      { name: 'suffix: image.jpg', pattern: notPng, event: { FileName: 'image.jpg' }, matches: true },
      { name: 'suffix: image.png', pattern: notPng, event: { FileName: 'image.png' }, matches: false },
      {
        name: 'equals-ignore-case: running',
        pattern: notInitializingAnyCase,
        event: { state: 'running' },
        matches: true,
      },
      {
        name: 'equals-ignore-case: INITIALIZING is excluded',
        pattern: notInitializingAnyCase,
        event: { state: 'INITIALIZING' },
        matches: false,
      },
      {
        name: 'equals-ignore-case: Initializing is excluded',
        pattern: notInitializingAnyCase,
        event: { state: 'Initializing' },
        matches: false,
      },
      {
        name: 'wildcard: /usr/bin/tool',
        pattern: notLib,
        event: { FilePath: '/usr/bin/tool' },
        matches: true,
      },
      {
        name: 'wildcard: /usr/lib/tool',
        pattern: notLib,
        event: { FilePath: '/usr/lib/tool' },
        matches: false,
      },
      { name: 'list: Sunny is not Raining', pattern: notRaining, event: { Weather: 'Sunny' }, matches: true },
      {
        name: 'list: Raining is excluded',
        pattern: notRaining,
        event: { Weather: 'Raining' },
        matches: false,
      },
      {
        name: 'list: a missing Weather does not match',
        pattern: notRaining,
        event: { Other: 'x' },
        matches: false,
      },
    ]);
  });

  // Numeric matching: "Content filtering in Amazon EventBridge event patterns"
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // ("works with values that are JSON numbers"), the operator summary
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ("Price is 100",
  // "Price is more than 10, and less than or equal to 20") and the aws/event-ruler README (range ±5.0e9).
  describe('numeric', () => {
    const counts = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    const price100 = { Price: [{ numeric: ['=', 100] }] };
    const price10to20 = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    const atLeast = { detail: { count: [{ numeric: ['>=', 5] }] } };
    const atMost = { detail: { count: [{ numeric: ['<=', 5] }] } };
    const halfOpen = { detail: { count: [{ numeric: ['>=', 1, '<', 2] }] } };
    table([
      { name: 'all three numeric fields match', pattern: counts, event: rulerEvent, matches: true },
      { name: 'c-count 0 is not > 0', pattern: counts, event: withDetail({ 'c-count': 0 }), matches: false },
      { name: 'c-count 6 is not <= 5', pattern: counts, event: withDetail({ 'c-count': 6 }), matches: false },
      {
        name: 'd-count 10 is not < 10',
        pattern: counts,
        event: withDetail({ 'd-count': 10 }),
        matches: false,
      },
      {
        name: 'x-limit 301.9 is not 3.018e2',
        pattern: counts,
        event: withDetail({ 'x-limit': 301.9 }),
        matches: false,
      },
      {
        name: 'numeric only matches JSON numbers, not numeric strings',
        pattern: counts,
        event: withDetail({ 'c-count': '5' }),
        matches: false,
      },
      { name: 'Price = 100', pattern: price100, event: { Price: 100 }, matches: true },
      { name: 'Price 100.5 is not = 100', pattern: price100, event: { Price: 100.5 }, matches: false },
      { name: 'Price 20 is in (10, 20]', pattern: price10to20, event: { Price: 20 }, matches: true },
      { name: 'Price 15.5 is in (10, 20]', pattern: price10to20, event: { Price: 15.5 }, matches: true },
      { name: 'Price 10 is not in (10, 20]', pattern: price10to20, event: { Price: 10 }, matches: false },
      {
        name: 'Price 20.01 is not in (10, 20]',
        pattern: price10to20,
        event: { Price: 20.01 },
        matches: false,
      },
      { name: '>= includes its bound', pattern: atLeast, event: { detail: { count: 5 } }, matches: true },
      {
        name: '>= excludes smaller values',
        pattern: atLeast,
        event: { detail: { count: 4.9 } },
        matches: false,
      },
      { name: '<= includes its bound', pattern: atMost, event: { detail: { count: 5 } }, matches: true },
      {
        name: '<= excludes larger values',
        pattern: atMost,
        event: { detail: { count: 5.1 } },
        matches: false,
      },
      { name: '[>=, 1, <, 2] includes 1', pattern: halfOpen, event: { detail: { count: 1 } }, matches: true },
      {
        name: '[>=, 1, <, 2] excludes 2',
        pattern: halfOpen,
        event: { detail: { count: 2 } },
        matches: false,
      },
      {
        name: 'values beyond 5.0e9 take no part in numeric matching',
        pattern: atLeast,
        event: { detail: { count: 6e9 } },
        matches: false,
      },
      {
        name: 'an event array matches when some element is in range',
        pattern: price10to20,
        event: { Price: [5, 15] },
        matches: true,
      },
    ]);
  });

  // IP address matching: "Content filtering in Amazon EventBridge event patterns"
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // ("IP addresses that start with 10.0.0 and end with a number between 0 and 255"; IPv4 and IPv6).
  describe('cidr', () => {
    const tenZero = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    const ipv6 = { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } };
    const ip = (address: unknown) => ({ detail: { sourceIPAddress: address } });
    table([
      { name: 'IPv4: 10.0.0.0 is in 10.0.0.0/24', pattern: tenZero, event: ip('10.0.0.0'), matches: true },
      {
        name: 'IPv4: 10.0.0.255 is in 10.0.0.0/24',
        pattern: tenZero,
        event: ip('10.0.0.255'),
        matches: true,
      },
      {
        name: 'IPv4: 10.0.1.1 is outside 10.0.0.0/24',
        pattern: tenZero,
        event: ip('10.0.1.1'),
        matches: false,
      },
      {
        name: 'IPv4: 11.0.0.1 is outside 10.0.0.0/24',
        pattern: tenZero,
        event: ip('11.0.0.1'),
        matches: false,
      },
      { name: 'IPv4: a non-address string', pattern: tenZero, event: ip('10.0.0.x'), matches: false },
      { name: 'IPv4: a number is not an address', pattern: tenZero, event: ip(10), matches: false },
      {
        name: 'IPv4 (README): 10.0.0.33 is in 10.0.0.0/24',
        pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
        event: rulerEvent,
        matches: true,
      },
      {
        name: 'IPv6: 2001:db8:1::1 is in 2001:db8::/32',
        pattern: ipv6,
        event: ip('2001:db8:1::1'),
        matches: true,
      },
      {
        name: 'IPv6: 2001:db9::1 is outside 2001:db8::/32',
        pattern: ipv6,
        event: ip('2001:db9::1'),
        matches: false,
      },
      {
        name: 'IPv6 block: an IPv4 address is outside',
        pattern: ipv6,
        event: ip('10.0.0.1'),
        matches: false,
      },
    ]);
  });

  // Exists matching: "Content filtering in Amazon EventBridge event patterns"
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
  // (awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns-content-based-filtering.md) and the
  // aws/event-ruler README ("Exists matching ... only works on the leaf nodes").
  describe('exists', () => {
    const stateExists = { detail: { state: [{ exists: true }] } };
    const noCCount = { detail: { 'c-count': [{ exists: false }] } };
    const pendingEvent = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    };
    const withoutState = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    };
    const withoutCCount = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'] },
    };
    table([
      {
        name: 'true: matches an event with detail.state',
        pattern: stateExists,
        event: pendingEvent,
        matches: true,
      },
      {
        name: 'true: no match without detail.state',
        pattern: stateExists,
        event: withoutState,
        matches: false,
      },
      {
        name: 'true: a null value exists',
        pattern: stateExists,
        event: { detail: { state: null } },
        matches: true,
      },
      {
        name: 'true: an intermediate node is not a leaf',
        pattern: { detail: { 'c-count': [{ exists: true }] } },
        event: withoutState,
        matches: false,
      },
      {
        name: 'false: matches without detail.c-count',
        pattern: noCCount,
        event: withoutCCount,
        matches: true,
      },
      {
        name: 'false: matches when c-count is not a leaf node',
        pattern: noCCount,
        event: { ...withoutCCount, detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
        matches: true,
      },
      {
        name: 'false: no match when the leaf is present',
        pattern: noCCount,
        event: rulerEvent,
        matches: false,
      },
      {
        name: 'false: no match when the leaf is present but null',
        pattern: noCCount,
        event: { detail: { 'c-count': null } },
        matches: false,
      },
      {
        name: 'false: matches when the whole parent object is missing',
        pattern: noCCount,
        event: { source: 'aws.ec2' },
        matches: true,
      },
      {
        name: 'false: combined with a value in the same list (absent or 5)',
        pattern: { detail: { 'c-count': [{ exists: false }, 5] } },
        event: rulerEvent,
        matches: true,
      },
    ]);
  });

  // Complex examples: "Content filtering in Amazon EventBridge event patterns" ("Complex example with
  // multiple matching") and the aws/event-ruler README ("Complex example", which adds a cidr field).
  describe('complex examples', () => {
    const complex = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const complexWithCidr = {
      ...complex,
      detail: { ...complex.detail, 'source-ip': [{ cidr: '10.0.0.0/8' }] },
    };
    table([
      { name: 'the README sample event matches', pattern: complex, event: rulerEvent, matches: true },
      {
        name: 'an excluded x-limit fails the whole pattern',
        pattern: complex,
        event: withDetail({ 'x-limit': 200 }),
        matches: false,
      },
      {
        name: 'another day fails the whole pattern',
        pattern: complex,
        event: { ...rulerEvent, time: '2017-10-03T00:00:00Z' },
        matches: false,
      },
      { name: 'with cidr 10.0.0.0/8: matches', pattern: complexWithCidr, event: rulerEvent, matches: true },
      {
        name: 'with cidr 10.0.0.0/8: another network fails',
        pattern: complexWithCidr,
        event: withDetail({ 'source-ip': '192.168.0.1' }),
        matches: false,
      },
    ]);
  });

  // $or: the operator summary https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Location is New York, or Day is Monday") and the aws/event-ruler README ("Rule examples with $or
  // Primitive": normal, parallel, "Or has an And inside", nested).
  describe('$or', () => {
    const locationOrDay = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    const normalOr = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    const parallelOr = {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    const orWithAnd = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    };
    const nestedOr = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    table([
      {
        name: 'Location is New York',
        pattern: locationOrDay,
        event: { Location: 'New York', Day: 'Tuesday' },
        matches: true,
      },
      {
        name: 'Day is Monday',
        pattern: locationOrDay,
        event: { Location: 'Boston', Day: 'Monday' },
        matches: true,
      },
      {
        name: 'neither branch',
        pattern: locationOrDay,
        event: { Location: 'Boston', Day: 'Tuesday' },
        matches: false,
      },
      {
        name: 'normal: source and metricName',
        pattern: normalOr,
        event: { source: 'aws.cloudwatch', metricName: 'CPUUtilization' },
        matches: true,
      },
      {
        name: 'normal: source and namespace',
        pattern: normalOr,
        event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
        matches: true,
      },
      {
        name: 'normal: source without either alternative',
        pattern: normalOr,
        event: { source: 'aws.cloudwatch', metricName: 'NetworkIn' },
        matches: false,
      },
      {
        name: 'normal: alternative without the source',
        pattern: normalOr,
        event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
        matches: false,
      },
      {
        name: 'parallel: one branch of each $or',
        pattern: parallelOr,
        event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
        matches: true,
      },
      {
        name: 'parallel: only the top-level $or holds',
        pattern: parallelOr,
        event: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
        matches: false,
      },
      {
        name: 'Or with And inside: metricType and namespace',
        pattern: orWithAnd,
        event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
        matches: true,
      },
      {
        name: 'Or with And inside: metricType alone is not enough',
        pattern: orWithAnd,
        event: { source: 'aws.cloudwatch', metricType: 'MetricType' },
        matches: false,
      },
      {
        name: 'Or with And inside: scope',
        pattern: orWithAnd,
        event: { source: 'aws.cloudwatch', scope: 'Service' },
        matches: true,
      },
      {
        name: 'nested: metricType, namespace and spaceId',
        pattern: nestedOr,
        event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 },
        matches: true,
      },
      {
        name: 'nested: metricType and namespace without metricId or spaceId',
        pattern: nestedOr,
        event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 999 },
        matches: false,
      },
    ]);
  });

  // Behaviour the user guide leaves implicit, taken from the aws/event-ruler source and README: JsonRuleCompiler
  // turns an exact string that is an IP address into an address range; ByteMachine only lets a numeric
  // anything-but reject JSON numbers and an anything-but prefix reject strings; the README's "Caveat: Compiled
  // rules and JSON keys with dots" (dotted keys name the same field as nesting).
  describe('event-ruler details', () => {
    table([
      {
        name: 'an exact IPv6 address matches another spelling of it',
        pattern: { detail: { ip: ['2001:db8::1'] } },
        event: { detail: { ip: '2001:DB8:0:0:0:0:0:1' } },
        matches: true,
      },
      {
        name: 'an exact IPv6 address does not match another address',
        pattern: { detail: { ip: ['2001:db8::1'] } },
        event: { detail: { ip: '2001:db8::2' } },
        matches: false,
      },
      {
        name: 'a numeric anything-but lets a numeric string through',
        pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
        event: withDetail({ 'x-limit': '100' }),
        matches: true,
      },
      {
        name: 'an anything-but prefix lets a number through',
        pattern: { detail: { 'c-count': [{ 'anything-but': { prefix: '5' } }] } },
        event: rulerEvent,
        matches: true,
      },
      {
        name: 'a dotted key names the nested field',
        pattern: { detail: { 'state.status': ['running'] } },
        event: { detail: { state: { status: 'running' } } },
        matches: true,
      },
      {
        name: 'a dotted key with another value does not match',
        pattern: { detail: { 'state.status': ['running'] } },
        event: { detail: { state: { status: 'stopped' } } },
        matches: false,
      },
    ]);
  });
});

// Malformed patterns, which PutRule rejects. The rules follow the aws/event-ruler rule compiler
// (JsonRuleCompiler: "must be an object or an array", "Empty arrays are not allowed", "Empty objects are not
// allowed", "Unrecognized match type", "There must have at least 2 Objects in $or", reserved names inside $or,
// mixed anything-but lists, numeric grammar, "Consecutive wildcard characters", "Invalid escape character").
describe('assertValidEventPattern', () => {
  it.each(documentedPatterns)('accepts documented pattern %j', (pattern) => {
    expect(() => assertValidEventPattern(pattern)).not.toThrow();
  });

  const invalid: readonly { name: string; pattern: unknown; error: RegExp }[] = [
    {
      name: 'a pattern that is an array',
      pattern: [{ source: ['aws.ec2'] }],
      error: /must be a JSON object/,
    },
    { name: 'a pattern that is null', pattern: null, error: /must be a JSON object/ },
    { name: 'an empty pattern', pattern: {}, error: /empty objects/ },
    { name: 'an empty nested object', pattern: { detail: {} }, error: /"detail": empty objects/ },
    {
      name: 'a leaf that is not an array',
      pattern: { source: 'aws.ec2' },
      error: /"source".*object or an array/,
    },
    { name: 'a numeric leaf that is not an array', pattern: { detail: { n: 5 } }, error: /"detail\.n"/ },
    { name: 'an empty match array', pattern: { source: [] }, error: /empty match arrays/ },
    { name: 'a nested match array', pattern: { source: [['aws.ec2']] }, error: /match values must be/ },
    {
      name: 'an unknown operator',
      pattern: { source: [{ contains: 'ec2' }] },
      error: /unknown operator "contains"/,
    },
    {
      name: 'an operator object with two keys',
      pattern: { source: [{ prefix: 'aws.', suffix: 'ec2' }] },
      error: /exactly one key/,
    },
    {
      name: 'a prefix that is not a string',
      pattern: { source: [{ prefix: 5 }] },
      error: /"prefix" needs a string/,
    },
    {
      name: 'prefix with an unknown nested operator',
      pattern: { source: [{ prefix: { wildcard: 'a*' } }] },
      error: /equals-ignore-case/,
    },
    { name: 'exists that is not a boolean', pattern: { a: [{ exists: 'true' }] }, error: /"exists" must be/ },
    {
      name: 'anything-but with a mixed list',
      pattern: { a: [{ 'anything-but': ['a', 1] }] },
      error: /only strings or only numbers/,
    },
    { name: 'anything-but null', pattern: { a: [{ 'anything-but': null }] }, error: /"anything-but" needs/ },
    {
      name: 'anything-but with an empty list',
      pattern: { a: [{ 'anything-but': [] }] },
      error: /at least one/,
    },
    {
      name: 'anything-but with an empty prefix',
      pattern: { a: [{ 'anything-but': { prefix: '' } }] },
      error: /must not be empty/,
    },
    {
      name: 'anything-but with an unsupported operator',
      pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      error: /"anything-but.numeric"|unsupported/,
    },
    {
      name: 'numeric that is not an array',
      pattern: { a: [{ numeric: 5 }] },
      error: /"numeric" needs an array/,
    },
    {
      name: 'numeric with an unknown operator',
      pattern: { a: [{ numeric: ['!=', 5] }] },
      error: /unknown operator/,
    },
    {
      name: 'numeric with a string operand',
      pattern: { a: [{ numeric: ['<', '5'] }] },
      error: /expected a number/,
    },
    {
      name: 'numeric "=" with two operands',
      pattern: { a: [{ numeric: ['=', 1, 2] }] },
      error: /exactly one/,
    },
    {
      name: 'numeric range with a lower bound twice',
      pattern: { a: [{ numeric: ['>', 5, '>', 10] }] },
      error: /upper bound/,
    },
    {
      name: 'numeric range with bounds reversed',
      pattern: { a: [{ numeric: ['>', 10, '<', 5] }] },
      error: /lower bound must be below/,
    },
    { name: 'numeric beyond 5e9', pattern: { a: [{ numeric: ['>', 6e9] }] }, error: /between -5e9 and 5e9/ },
    { name: 'numeric with 7 decimals', pattern: { a: [{ numeric: ['>', 1.0000001] }] }, error: /6 decimal/ },
    {
      name: 'consecutive wildcards',
      pattern: { a: [{ wildcard: 'dir/**.png' }] },
      error: /consecutive wildcard/,
    },
    { name: 'an invalid wildcard escape', pattern: { a: [{ wildcard: 'a\\b' }] }, error: /invalid escape/ },
    { name: 'cidr without a prefix length', pattern: { a: [{ cidr: '10.0.0.0' }] }, error: /"cidr" needs/ },
    {
      name: 'cidr with a prefix length over 32',
      pattern: { a: [{ cidr: '10.0.0.0/33' }] },
      error: /"cidr" needs/,
    },
    { name: 'cidr that is not an address', pattern: { a: [{ cidr: 'host/8' }] }, error: /"cidr" needs/ },
    { name: '$or that is not an array', pattern: { $or: { a: ['x'] } }, error: /\$or must be an array/ },
    { name: '$or with one branch', pattern: { $or: [{ a: ['x'] }] }, error: /at least two/ },
    {
      name: '$or with a non-object branch',
      pattern: { $or: [{ a: ['x'] }, ['y']] },
      error: /only hold objects/,
    },
    {
      name: 'an operator name used as a field inside $or',
      pattern: { $or: [{ numeric: ['>', 1] }, { prefix: ['abc'] }] },
      error: /reserved keyword/,
    },
  ];

  it.each(invalid)('rejects $name', ({ pattern, error }) => {
    expect(() => assertValidEventPattern(pattern as EventPattern)).toThrow(error);
  });

  it('matchesEventPattern rejects a malformed pattern too', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, rulerEvent)).toThrow(/object or an array/);
  });
});
