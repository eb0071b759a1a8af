import type { ScreenMeasures } from '../state/layout.js';
import { dialogRows } from './Dialog.js';
import { generationDetail } from './GenerationsPane.js';
import { generationViewText } from './generationText.js';
import { helpLineCount } from './HelpOverlay.js';
import { runPaneLogRows } from './RunPane.js';
import { statusBarRows } from './StatusBar.js';

/** How the console's screen measures its texts; the state's layout does the arithmetic with them. */
export const screenMeasures: ScreenMeasures = {
  statusRows: statusBarRows,
  dialogRows,
  generationDetailRows: (state, width, max) => generationDetail(state, width, max).length,
  helpLines: helpLineCount,
  viewLines(view) {
    const text = generationViewText(view);
    return { context: text.context.length, fixed: text.fixed.length, body: text.body.length };
  },
  runLogRows: runPaneLogRows,
};
