// The Inputs view's rows: the root inputs of flake.lock, each with its own inputs under it
// when unfolded (folded at first).
import type { FlakeInput } from '../core/repo.js';

export interface InputRow {
  input: FlakeInput;
  /** names from the root input down, joined with "/": "home-manager/nixpkgs" */
  path: string;
  depth: number;
  /** it has inputs of its own */
  folds: boolean;
  /** they are shown */
  unfolded: boolean;
}

/** The rows shown, with the inputs of every unfolded input (by path) under it. */
export function inputRows(inputs: readonly FlakeInput[], unfolded: readonly string[], parent = '', depth = 0): InputRow[] {
  const open = new Set(unfolded);
  const rows: InputRow[] = [];
  for (const input of inputs) {
    const path = parent === '' ? input.name : `${parent}/${input.name}`;
    const folds = input.inputs.length > 0;
    const isOpen = folds && open.has(path);
    rows.push({ input, path, depth, folds, unfolded: isOpen });
    if (isOpen) rows.push(...inputRows(input.inputs, unfolded, path, depth + 1));
  }
  return rows;
}
