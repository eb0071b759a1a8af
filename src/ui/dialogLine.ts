import type { Dialog } from '../state/appState.js';

/** One line of a dialog, as Dialog.tsx draws it. */
export interface DialogLine {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
  /** the question, the answer keys or the field typed into: shown first, never cut for the rest */
  key?: boolean;
}

/** What a dialog shows: its title and its lines, in the order written. */
export interface DialogContent {
  title: string;
  lines: DialogLine[];
}

/** The dialog of one kind. */
export type DialogOf<K extends Dialog['kind']> = Extract<Dialog, { kind: K }>;
