// The recent transfer rate of one kind of transfer, from samples of its done bytes.

/** the transfer rate is measured over this much recent time */
export const RATE_WINDOW_MS = 10_000;
/** byte samples closer together than this are merged, so a flood of progress events costs nothing */
const RATE_SAMPLE_MS = 250;

/** Done bytes of one transfer kind over time, for a recent rate; bounded by the window. */
export class RateMeter {
  private readonly times: number[] = [];
  private readonly bytes: number[] = [];

  sample(t: number, doneBytes: number): void {
    const n = this.times.length;
    // merge into the newest sample while it is young, so samples stay RATE_SAMPLE_MS apart
    if (n >= 2 && t - (this.times[n - 2] ?? 0) < RATE_SAMPLE_MS) {
      this.times[n - 1] = t;
      this.bytes[n - 1] = doneBytes;
    } else {
      this.times.push(t);
      this.bytes.push(doneBytes);
    }
    // keep one sample at or before the window's start, as the anchor
    while (this.times.length > 2 && (this.times[1] ?? 0) <= t - RATE_WINDOW_MS) {
      this.times.shift();
      this.bytes.shift();
    }
  }

  /** Bytes per second from the oldest kept sample to `now`; null when unknown or nothing moved. */
  rate(now: number): number | null {
    const n = this.times.length;
    if (n < 2) return null;
    let first = 0;
    while (first < n - 1 && (this.times[first + 1] ?? 0) <= now - RATE_WINDOW_MS) first++;
    const moved = (this.bytes[n - 1] ?? 0) - (this.bytes[first] ?? 0);
    const span = Math.max(now, this.times[n - 1] ?? 0) - (this.times[first] ?? 0);
    if (moved <= 0 || span <= 0) return null;
    return (moved / span) * 1000;
  }
}
