import { describe, expect, it } from 'vitest';
import { leftScratchFolders } from '../../../lib/adapters/scratch-folder';

describe('leftScratchFolders', () => {
  const alive = new Set([100, 200]);
  const isAlive = (pid: number) => alive.has(pid);

  it('names the scratch folders of dead processes, and one with this process’s pid', () => {
    const names = ['sway-scratch-100-aB3x', 'sway-scratch-300-Qq1z', 'sway-scratch-42-zzzz', 'sway-scratch-200-k9k9'];
    expect(leftScratchFolders(names, 42, isAlive)).toEqual(['sway-scratch-300-Qq1z', 'sway-scratch-42-zzzz']);
  });

  it('leaves every other name alone', () => {
    const names = ['tsx-0', 'sway-scratch-', 'sway-scratch-abc-1', 'sway-scratch-0-x', 'sway-objects', 'my-sway-scratch-300-x', 'sway-test-run-x'];
    expect(leftScratchFolders(names, 42, () => false)).toEqual([]);
  });
});
