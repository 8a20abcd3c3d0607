import { describe, expect, it } from 'vitest';
import { describedFactor, FACTORS } from '../../../lib/domain/scoring/model';

describe('describedFactor', () => {
  it('adds the label and description of a known factor, and names an unknown one by its name', () => {
    expect(describedFactor({ name: 'breadth', value: 2.5, contribution: 7.25 })).toEqual({
      name: 'breadth',
      label: 'Breadth',
      description: FACTORS.breadth.description,
      value: 2.5,
      contribution: 7.25,
    });
    expect(describedFactor({ name: 'efficiency', value: 0, contribution: 0 }).label).toBe('Response per post');
    expect(describedFactor({ name: 'retired', value: 1, contribution: 2 })).toEqual({
      name: 'retired',
      label: 'retired',
      description: '',
      value: 1,
      contribution: 2,
    });
  });
});
