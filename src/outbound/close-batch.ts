/**
 * Outcomes recorded together: each waits up to `windowMs` for others to share its statement, so
 * calls cost a round trip to PostgreSQL per several calls instead of one each (a round trip costs
 * the worker more than a call's own work). `close` records a group in one go and retries its
 * commit itself (src/outbound/send.ts `closeMessages`); what `add` returns settles once the
 * member's group is recorded, or could not be — then it stays claimed, and the reconciler offers
 * it again once the claim's lease is over.
 */
export class CloseBatch<Member, Result> {
  private pending: { member: Member; result: Result; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly close: (members: Member[], results: Result[]) => Promise<void>,
    private readonly windowMs: number,
    private readonly maxSize: number,
  ) {}

  add(member: Member, result: Result): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ member, result, resolve, reject });
      if (this.pending.length >= this.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.pending.splice(0);
    if (group.length === 0) return;
    this.close(
      group.map((g) => g.member),
      group.map((g) => g.result),
    ).then(
      () => group.forEach((g) => g.resolve()),
      (error: unknown) => group.forEach((g) => g.reject(error)),
    );
  }
}
