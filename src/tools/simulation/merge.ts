/**
 * Merges time-ordered sequences into one time-ordered sequence (a k-way merge on a binary heap).
 * Ties go to the lower source index, so the merged order, like everything in the model, depends
 * only on the inputs and never on scheduling.
 */
export function* mergeByTime<T>(sources: readonly Iterable<T>[], timeOf: (item: T) => number): Generator<T> {
  interface Head {
    readonly item: T;
    readonly at: number;
    readonly source: number;
    readonly rest: Iterator<T>;
  }
  const heap: Head[] = [];
  const less = (i: number, j: number): boolean => {
    const a = heap[i];
    const b = heap[j];
    return a !== undefined && b !== undefined && (a.at < b.at || (a.at === b.at && a.source < b.source));
  };
  const swap = (i: number, j: number): void => {
    const a = heap[i];
    const b = heap[j];
    if (a === undefined || b === undefined) return;
    heap[i] = b;
    heap[j] = a;
  };
  const push = (head: Head): void => {
    heap.push(head);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  };
  const pop = (): Head | undefined => {
    const top = heap[0];
    swap(0, heap.length - 1);
    heap.pop();
    for (let i = 0; ; ) {
      let min = i;
      if (less(2 * i + 1, min)) min = 2 * i + 1;
      if (less(2 * i + 2, min)) min = 2 * i + 2;
      if (min === i) break;
      swap(i, min);
      i = min;
    }
    return top;
  };
  const advance = (rest: Iterator<T>, source: number): void => {
    const next = rest.next();
    if (next.done !== true) push({ item: next.value, at: timeOf(next.value), source, rest });
  };

  sources.forEach((source, index) => {
    advance(source[Symbol.iterator](), index);
  });
  for (let head = pop(); head !== undefined; head = pop()) {
    yield head.item;
    advance(head.rest, head.source);
  }
}
