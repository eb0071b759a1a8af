// The console's first frame comes before the flake evaluation. The controller asks for the
// evaluation once the data of the first full frame is in (Controller.start): the screen is drawn
// then, in one frame, and `nix eval` starts once that frame is out, so that it does not compete
// with it for the CPU.

const FRAME_WAIT_MS = 250;
/** the longest the screen stays blank while the first frame's data is read */
const FIRST_DATA_WAIT_MS = 300;

/** `next()` resolves when Ink draws its next frame (`drawn` is its onRender), or after FRAME_WAIT_MS. */
function frameWaiter(): { next(): Promise<void>; drawn(): void } {
  const waiting: (() => void)[] = [];
  return {
    next: () =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, FRAME_WAIT_MS);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    drawn() {
      // Ink writes the frame right after this call returns; the waiters continue after that
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

export interface FirstFrameGate {
  /** resolves when the first frame's data is in, or after FIRST_DATA_WAIT_MS */
  firstData: Promise<void>;
  /** Ink's onRender */
  drawn(): void;
  /** says that the first frame's data is in, and runs `work` once the next frame is drawn */
  afterFirstFrame<T>(work: () => Promise<T>): Promise<T>;
}

export function firstFrameGate(): FirstFrameGate {
  const frames = frameWaiter();
  let firstDataIn = (): void => {};
  const firstData = new Promise<void>((resolve) => {
    firstDataIn = resolve;
    setTimeout(resolve, FIRST_DATA_WAIT_MS).unref();
  });
  return {
    firstData,
    drawn: frames.drawn,
    async afterFirstFrame(work) {
      firstDataIn();
      await frames.next();
      return work();
    },
  };
}
