/**
 * Runs `fn` over `items` with at most `limit` calls in flight, starting them in order; resolves
 * with the results in item order once every call has settled. A rejection does not stop the
 * others (they are dbt processes that must finish or be cancelled properly): the first error is
 * rethrown after all have settled.
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let firstError: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        firstError ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError !== null) throw (firstError as { err: unknown }).err;
  return results;
}
