/**
 * Blind rating: the order columns are shown in and the letters they are shown as. Pure, so
 * the host's panel code and the unit tests share it.
 */

/** `A`…`Z`, then `AA`, `AB`… (a 27th column is unlikely, but never a wrong letter). */
export function blindLabel(position: number): string {
  let n = position;
  let label = '';
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

/**
 * A random permutation (Fisher–Yates) as `order[shownPosition] = column`. With two or more
 * columns it is never the identity: a "shuffle" that happened to keep the order would let a
 * rater who knows the comparison's model list read the names off the positions.
 */
export function shuffledOrder(count: number, random: () => number = Math.random): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (count < 2) return order;
  for (let attempt = 0; attempt < 20; attempt++) {
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (order.some((column, position) => column !== position)) return order;
  }
  // A broken random source: rotate by one, which is never the identity.
  return order.map((_, i) => (i + 1) % count);
}

/** The inverse of an order: `positions[column] = shownPosition`. */
export function positionsOf(order: readonly number[]): number[] {
  const positions = new Array<number>(order.length);
  order.forEach((column, position) => (positions[column] = position));
  return positions;
}
