/**
 * Numbers the accounts of a recompute once, for all its topics, so that each topic's scoring
 * looks names up instead of hashing and sorting them anew. Ids follow arrival; `positions` gives
 * each id's place in name order, so a topic orders its accounts by name with a numeric sort.
 */
export class AccountIndex {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private sorted: { names: string[]; positions: Uint32Array; scratch: Uint32Array } | undefined;

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      this.sorted = undefined;
    }
    return id;
  }

  find(name: string): number | undefined {
    return this.ids.get(name);
  }

  /**
   * Names in UTF-16 code unit order (what the default sort compares), each id's position among
   * them, and a scratch array of the same length for callers to map positions to their own indices.
   */
  inNameOrder(): { names: string[]; positions: Uint32Array; scratch: Uint32Array } {
    if (!this.sorted) {
      const names = [...this.names].sort();
      const positions = new Uint32Array(names.length);
      names.forEach((name, position) => (positions[this.ids.get(name)!] = position));
      this.sorted = { names, positions, scratch: new Uint32Array(names.length) };
    }
    return this.sorted;
  }
}
