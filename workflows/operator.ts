/**
 * The operator in the loop: the decisions a person sends a run (retry, optionally with overrides;
 * resolve; abandon), received at any phase and acted on at the run's next step. Installed when the
 * run starts, so a decision sent early is never missed.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { abandonSignal, resolveSignal, retrySignal, type OperatorDecision } from './definitions';

export type OperatorAction = 'retry' | 'resolve' | 'abandon';
export type Decision = OperatorDecision & { action: OperatorAction };

export class OperatorInbox {
  /** The latest decision not yet acted on. */
  private pending?: Decision;

  constructor() {
    const receive = (action: OperatorAction) => (decision?: OperatorDecision) => {
      this.pending = { ...decision, action };
    };
    setHandler(retrySignal, receive('retry'));
    setHandler(resolveSignal, receive('resolve'));
    setHandler(abandonSignal, receive('abandon'));
  }

  get decided(): boolean {
    return this.pending !== undefined;
  }

  /** The decision to act on now (there is one: check `decided` first). */
  take(): Decision {
    const decision = this.pending!;
    this.pending = undefined;
    return decision;
  }

  /** Sleeps on a durable timer, waking early if a person decides. True: a decision is waiting. */
  async waitUpTo(delayMs: number, summary: string): Promise<boolean> {
    if (this.decided) return true;
    if (delayMs <= 0) return false;
    return condition(() => this.decided, delayMs, { summary });
  }
}
