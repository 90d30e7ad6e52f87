/** The local cloud's IAM check: which actions a DynamoDB request needs, and whether a declaration allows them. */
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../functions/topology.ts';
import { allowsTableAction, dynamoDbActionsOf } from '../../local/iam.ts';

describe('dynamoDbActionsOf', () => {
  it.each([
    ['GetItemCommand', {}, ['GetItem']],
    ['BatchGetItemCommand', {}, ['BatchGetItem']],
    ['QueryCommand', {}, ['Query']],
    ['QueryCommand', { IndexName: 'GSI2' }, ['Query:index/GSI2']],
    ['ScanCommand', {}, ['Scan']],
    ['ScanCommand', { IndexName: 'GSI1' }, ['Scan:index/GSI1']],
    ['TransactGetItemsCommand', {}, ['GetItem']],
    [
      'TransactWriteItemsCommand',
      { TransactItems: [{ Put: {} }, { Update: {} }, { ConditionCheck: {} }, { Delete: {} }] },
      ['PutItem', 'UpdateItem', 'ConditionCheckItem', 'DeleteItem'],
    ],
  ])('%s %j needs %j', (command, input, actions) => {
    expect(dynamoDbActionsOf(command, input)).toEqual(actions);
  });
});

describe('allowsTableAction', () => {
  const sweeper: FunctionSpec = FUNCTIONS.outboxSweeper;
  const api: FunctionSpec = FUNCTIONS.api;

  it('allows the actions and index queries a function declares, and nothing else', () => {
    expect(allowsTableAction(sweeper, 'Query:index/GSI2')).toBe(true);
    expect(allowsTableAction(sweeper, 'UpdateItem')).toBe(true);
    expect(allowsTableAction(sweeper, 'Query:index/GSI1')).toBe(false);
    expect(allowsTableAction(sweeper, 'Query')).toBe(false);
    expect(allowsTableAction(sweeper, 'PutItem')).toBe(false);
    expect(allowsTableAction(api, 'Query:index/SubjectEmail')).toBe(true);
    expect(allowsTableAction(sweeper, 'Query:index/SubjectEmail')).toBe(false);
    expect(allowsTableAction(api, 'Query:index/NoSuchIndex')).toBe(false);
    expect(allowsTableAction(api, 'Scan')).toBe(false);
    expect(allowsTableAction(api, 'DeleteItem')).toBe(false);
  });

  it('allows nothing on the table to a function that declares no table', () => {
    expect(allowsTableAction({ ...api, table: undefined }, 'GetItem')).toBe(false);
  });
});
