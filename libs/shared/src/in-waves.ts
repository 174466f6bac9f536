/**
 * Runs `work` on every item, `width` at a time (each wave waits for the one before), and sums
 * what they return: independent writes side by side without flooding the server.
 */
export async function sumInWaves<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<number>,
): Promise<number> {
  let sum = 0;
  for (let i = 0; i < items.length; i += width) {
    const results = await Promise.all(items.slice(i, i + width).map(work));
    for (const result of results) sum += result;
  }
  return sum;
}
