import v8 from 'node:v8';
import { HeapGuard } from '../../src/common/heap';

describe('HeapGuard', () => {
  it('collects once the heap has grown by its slack, and not before', () => {
    const guard = new HeapGuard(8 * 1024 * 1024);
    guard.check();
    expect(guard.collections).toBe(0);
    // Garbage, as an import batch leaves behind: 20 MB of strings no longer referenced.
    const made = (() => Array.from({ length: 200_000 }, (_, i) => `行${i}`.repeat(20)).length)();
    expect(made).toBe(200_000);
    const grown = v8.getHeapStatistics().used_heap_size;
    guard.check();
    expect(guard.collections).toBe(1);
    expect(v8.getHeapStatistics().used_heap_size).toBeLessThan(grown - 8 * 1024 * 1024);
    // Right after a collection the heap is at its floor: nothing to do.
    guard.check();
    expect(guard.collections).toBe(1);
  });
});
