/**
 * The operator in the loop: the decisions a person sends a run (retry, optionally with overrides;
 * resolve; abandon), received at any phase and acted on at the run's next step. Installed when the
 * run starts, so a decision sent early is never missed.
 *
 * A decision sent as the `decide` Update is validated first and answered: refused with the reason
 * (an unknown action or override, overrides on anything but retry, a decision already waiting, a
 * run that is ending) or accepted, and then told what the run did with it. None is silently
 * overwritten. The signals remain for the Web UI's Signal button: the latest one wins, as before.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  abandonSignal,
  decideUpdate,
  OPERATOR_ACTIONS,
  resolveSignal,
  retrySignal,
  type DecisionReceipt,
  type OperatorAction,
  type OperatorDecision,
} from './definitions';
import { applyOperatorOverrides } from './overrides';
import type { RemediationPhaseValue } from './search-attributes';

export type { OperatorAction };
export type Decision = OperatorDecision & { action: OperatorAction };

type Pending = Decision & { receipt?: number };

/** What makes a decision unusable whatever the run's state: an unknown action or override. */
export function invalidDecision(decision: Decision): string | undefined {
  if (!OPERATOR_ACTIONS.includes(decision?.action)) {
    return `unknown action "${decision?.action}": expected one of ${OPERATOR_ACTIONS.join(', ')}`;
  }
  if (Object.keys(decision.overrides ?? {}).length && decision.action !== 'retry') {
    return `overrides apply to retry only, not to ${decision.action}`;
  }
  const { ignored } = applyOperatorOverrides({}, decision.overrides ?? {});
  return ignored.length ? `unknown override key(s): ${ignored.join(', ')}` : undefined;
}

export class OperatorInbox {
  /** The latest decision not yet acted on. */
  private pending?: Pending;
  /** The Update-sent decision being acted on now (its receipt number). */
  private acting?: number;
  private receipts = 0;
  private readonly answers = new Map<number, DecisionReceipt>();
  /** Set once the run has reached its outcome: decisions can no longer change it. */
  private endedAs?: string;

  constructor(private readonly phase: () => RemediationPhaseValue) {
    const receive = (action: OperatorAction) => (decision?: OperatorDecision) => {
      this.pending = { ...decision, action };
    };
    setHandler(retrySignal, receive('retry'));
    setHandler(resolveSignal, receive('resolve'));
    setHandler(abandonSignal, receive('abandon'));
    setHandler(
      decideUpdate,
      async (decision) => {
        const receipt = ++this.receipts;
        this.pending = { ...decision, receipt };
        await condition(() => this.answers.has(receipt));
        return this.answers.get(receipt)!;
      },
      { validator: (decision) => this.validate(decision) },
    );
  }

  /** Throws the reason a decision cannot be taken (the Update is refused; nothing is recorded). */
  private validate(decision: Decision): void {
    const invalid = invalidDecision(decision);
    if (invalid) throw new Error(invalid);
    if (this.endedAs)
      throw new Error(`the run has already ended ${this.endedAs}: a decision cannot change it`);
    if (this.pending) {
      const by = this.pending.by ? ` by ${this.pending.by}` : '';
      throw new Error(
        `a decision is already waiting to be acted on (${this.pending.action}${by}): wait for its answer, then decide again`,
      );
    }
  }

  get decided(): boolean {
    return this.pending !== undefined;
  }

  /** The decision to act on now (there is one: check `decided` first). */
  take(): Decision {
    const { receipt, ...decision } = this.pending!;
    this.pending = undefined;
    this.acting = receipt;
    return decision;
  }

  /** Tells the operator who sent the decision being acted on what the run did with it. */
  report(action: OperatorAction, effect: string): void {
    if (this.acting !== undefined) this.answers.set(this.acting, { action, phase: this.phase(), effect });
    this.acting = undefined;
  }

  /** The run has its outcome: a decision still waiting is answered that it came too late. */
  close(outcome: string): void {
    this.endedAs = outcome;
    if (this.pending?.receipt !== undefined) {
      this.answers.set(this.pending.receipt, {
        action: this.pending.action,
        phase: this.phase(),
        effect: `not acted on: the run ended ${outcome} first`,
      });
    }
    this.pending = undefined;
  }

  /** Sleeps on a durable timer, waking early if a person decides. True: a decision is waiting. */
  async waitUpTo(delayMs: number, summary: string): Promise<boolean> {
    if (this.decided) return true;
    if (delayMs <= 0) return false;
    return condition(() => this.decided, delayMs, { summary });
  }
}
