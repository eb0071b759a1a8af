/** The argv prefix that starts this very program again with a hidden subcommand. */
export function selfCommand(subcommand: string): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1] ?? '', subcommand];
}
