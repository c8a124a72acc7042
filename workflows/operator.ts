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
import { condition, log, setHandler } from '@temporalio/workflow';
import { operatorDecisionError, validateOperatorDecision } from '../policies/operator-decision';
import {
  abandonSignal,
  decideUpdate,
  resolveSignal,
  retrySignal,
  type DecisionReceipt,
  type OperatorAction,
  type OperatorDecision,
} from './definitions';
import type { RemediationPhaseValue } from './search-attributes';

export type { OperatorAction };
export type Decision = OperatorDecision & { action: OperatorAction };

type Pending = Decision & { receipt?: number };

/**
 * What makes a decision unusable whatever the run's state: a wrong action, type or length, an
 * unknown or inherited override key (policies/operator-decision.ts, the schema the CLI checks too).
 */
export function invalidDecision(decision: unknown, signalAction?: OperatorAction): string | undefined {
  return operatorDecisionError(decision, signalAction ? { action: signalAction } : {});
}

/** The decision with only the fields the schema knows; undefined if it is not valid. */
function cleanDecision(decision: unknown, signalAction?: OperatorAction): Decision | undefined {
  const check = validateOperatorDecision(decision, signalAction ? { action: signalAction } : {});
  return check.ok ? check.decision : undefined;
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
    // A signal has no answer to carry a refusal: an invalid one is logged (worker logs, with the
    // reason) and the run carries on as if it had not come. The CLI and the Update check first.
    const receive = (action: OperatorAction) => (decision?: OperatorDecision) => {
      const valid = cleanDecision(decision, action);
      if (valid) this.pending = valid;
      else log.warn(`${action} signal refused: ${invalidDecision(decision, action)}`, { signal: action });
    };
    setHandler(retrySignal, receive('retry'));
    setHandler(resolveSignal, receive('resolve'));
    setHandler(abandonSignal, receive('abandon'));
    setHandler(
      decideUpdate,
      async (decision) => {
        const receipt = ++this.receipts;
        this.pending = { ...cleanDecision(decision)!, receipt };
        await condition(() => this.answers.has(receipt));
        return this.answers.get(receipt)!;
      },
      { validator: (decision) => this.validate(decision) },
    );
  }

  /** Throws the reason a decision cannot be taken (the Update is refused; nothing is recorded). */
  private validate(decision: unknown): void {
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
