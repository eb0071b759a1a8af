import { Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { fit } from './text.js';

/** A read-only text over the body (git status, a commit): lines cut at the width, scrolled with j/k. */
export function TextView({ state, width, height }: { state: AppState; width: number; height: number }) {
  const view = state.textView;
  const g = glyphsFor(state.prefs.asciiBorders);
  if (!view) return null;
  const rows = state.layout.overlayRows;
  const inner = Math.max(1, width - 4);
  let body;
  let info: string | undefined;
  if (view.lines.status === 'loading') body = <Text dimColor>{`reading${g.ellipsis}`}</Text>;
  else if (view.lines.status === 'error')
    body = (
      <>
        <Text color="red" wrap="wrap">{screenText(view.lines.error, g)}</Text>
        {view.lines.hint ? <Text dimColor wrap="wrap">{screenText(view.lines.hint, g)}</Text> : null}
      </>
    );
  else {
    const lines = view.lines.value;
    if (lines.length > rows) info = `${view.scroll + 1}-${Math.min(lines.length, view.scroll + rows)} of ${lines.length}`;
    body = lines.length === 0 ? <Text dimColor>(nothing)</Text> : lines.slice(view.scroll, view.scroll + rows).map((line, i) => <Text key={i}>{fit(line, inner, g)}</Text>);
  }
  return (
    <Overlay width={width} height={height} ascii={g.ascii} title={view.title} {...(info !== undefined ? { info } : {})}>
      {body}
    </Overlay>
  );
}
