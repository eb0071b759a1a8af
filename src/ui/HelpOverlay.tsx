import { Box, Text } from 'ink';
import { type Group, KEYMAP } from './keymap.js';
import { fit } from './text.js';

const COLUMNS: Group[][] = [
  ['Move', 'Panes'],
  ['Filter', 'Todos', 'General'],
];
const MARKERS_COLUMN = 1;

const MARKERS = [
  ['cur', 'the profile points here'],
  ['run', 'running (current-system)'],
  ['boot', 'booted (booted-system)'],
  ['local', 'this machine'],
] as const;

/** Every binding of the keymap, grouped; Esc, q or ? closes it. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const colWidth = Math.floor((width - 4) / 2);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      <Text bold color="cyanBright">
        nixdeck keys <Text dimColor>(Esc, q or ? closes)</Text>
      </Text>
      <Box>
        {COLUMNS.map((groups, c) => (
          <Box key={c} flexDirection="column" width={colWidth}>
            {groups.map((group) => (
              <Box key={group} flexDirection="column">
                <Text bold color="magenta">
                  {group}
                </Text>
                {KEYMAP.filter((b) => b.group === group).map((b) => (
                  <Text key={b.command} wrap="truncate-end">
                    <Text color="yellow">{fit(b.keys, 10)}</Text>
                    {b.description}
                    {b.panes ? <Text dimColor> ({b.panes.join(', ')})</Text> : null}
                  </Text>
                ))}
              </Box>
            ))}
            {c === MARKERS_COLUMN ? (
              <Box flexDirection="column">
                <Text bold color="magenta">
                  Markers
                </Text>
                {MARKERS.map(([m, d]) => (
                  <Text key={m} wrap="truncate-end">
                    <Text color="cyan">{fit(m, 10)}</Text>
                    {d}
                  </Text>
                ))}
              </Box>
            ) : null}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
