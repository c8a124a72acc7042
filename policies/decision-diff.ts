/**
 * What changes between two policy sets over a stream of events (recent runs' inputs, or cases):
 * each event is decided with both sets — the same decision `policies explain` and `policies test`
 * make — and counted under its pair (old treatment → new treatment), with the facets that differ
 * and a few examples. Memory stays bounded by the number of distinct pairs, not of events, except
 * for the ids of changed events, which are the answer. Pure.
 */
import type { ConnectFailureEvent } from '../events/types';
import { decideFailureEvent } from './decision';
import {
  differingFacets,
  facetsKey,
  facetsLabel,
  type DecisionFacets,
  type Facet,
  decisionFacets,
} from './decision-facets';
import type { PolicySet } from './policy-set';

/** An event and how to name it in a report: a run (id, Web UI link) or a case (name, where). */
export interface DiffItem<Ref> {
  ref: Ref;
  event: ConnectFailureEvent;
}

export interface DiffPair<Ref> {
  changed: boolean;
  count: number;
  before: DecisionFacets;
  after: DecisionFacets;
  beforeLabel: string;
  afterLabel: string;
  differs: Facet[];
  /** The first few items of the pair, in the order they came. */
  examples: Ref[];
  /** Every item of a changed pair (empty for an unchanged one). */
  all: Ref[];
}

export class DecisionDiff<Ref> {
  private readonly pairs = new Map<string, DiffPair<Ref>>();
  private total = 0;

  constructor(
    private readonly before: PolicySet,
    private readonly after: PolicySet,
    private readonly examplesPerPair = 3,
  ) {}

  add(item: DiffItem<Ref>): void {
    const before = decisionFacets(decideFailureEvent(this.before, item.event));
    const after = decisionFacets(decideFailureEvent(this.after, item.event));
    const key = `${facetsKey(before)}→${facetsKey(after)}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      const differs = differingFacets(before, after);
      pair = {
        changed: differs.length > 0,
        count: 0,
        before,
        after,
        beforeLabel: facetsLabel(before),
        afterLabel: facetsLabel(after),
        differs,
        examples: [],
        all: [],
      };
      this.pairs.set(key, pair);
    }
    pair.count++;
    this.total++;
    if (pair.examples.length < this.examplesPerPair) pair.examples.push(item.ref);
    if (pair.changed) pair.all.push(item.ref);
  }

  get compared(): number {
    return this.total;
  }

  /** Changed pairs first, then unchanged; each by count, most first, then by label. */
  result(): DiffPair<Ref>[] {
    return [...this.pairs.values()].sort(
      (a, b) =>
        Number(b.changed) - Number(a.changed) ||
        b.count - a.count ||
        `${a.beforeLabel}→${a.afterLabel}`.localeCompare(`${b.beforeLabel}→${b.afterLabel}`),
    );
  }

  get changedCount(): number {
    let changed = 0;
    for (const pair of this.pairs.values()) if (pair.changed) changed += pair.count;
    return changed;
  }
}
